"""The output formats each command offers, in one light module: the command line needs them to build its
options before it imports (lazily) the command that renders them."""

VALIDATE_FORMATS = ("text", "json", "github", "junit", "sarif", "auto")
PLAN_FORMATS = ("text", "json", "markdown")
EXPORT_FORMATS = ("csv", "fhir", "fhir-patch")
CHECK_FORMATS = ("text", "json", "markdown")
NOTICE_FORMATS = ("markdown", "html")
