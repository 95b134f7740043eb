"""Planning: desired definitions and the recorded state in, a list of changes out (a pure function)."""
