"""JUnit XML: one test case per file, failed when the file has errors (or warnings under --strict)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from balprov.diagnostics import Severity
from balprov.reporters.base import Reporter
from balprov.validation import ValidationReport


class JunitReporter(Reporter):
    name = "junit"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        failing = {Severity.ERROR, Severity.WARNING} if self.settings.strict else {Severity.ERROR}
        by_file = {file: list(group) for file, group in groupby(report.diagnostics, key=lambda d: d.file)}
        failures = sum(1 for ds in by_file.values() if any(d.severity in failing for d in ds))
        suites = ET.Element("testsuites", name="balprov validate", tests=str(report.files), failures=str(failures))
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="balprov validate",
            tests=str(report.files),
            failures=str(failures),
            errors="0",
        )
        for file, diagnostics in by_file.items():
            case = ET.SubElement(suite, "testcase", classname="balprov.validate", name=file, file=file)
            lines = [f"{d.file}:{d.line}:{d.column} {d.severity.value} [{d.rule}] {d.message}" for d in diagnostics]
            bad = [d for d in diagnostics if d.severity in failing]
            if bad:
                first = bad[0]
                failure = ET.SubElement(case, "failure", message=f"[{first.rule}] {first.message}", type=first.rule)
                failure.text = "\n".join(lines)
            else:
                ET.SubElement(case, "system-out").text = "\n".join(lines)
        clean = report.files - len(by_file)
        if clean:
            ET.SubElement(suite, "properties").append(
                ET.Element("property", name="files-without-findings", value=str(clean))
            )
        ET.indent(suites)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(suites, encoding="unicode"))
        out.write("\n")
