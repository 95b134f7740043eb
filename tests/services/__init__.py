"""Real servers started by the tests (OpenLDAP, …), each skipped with a reason where it cannot run, never in CI."""
