"""JUnit XML: one test case per file checked, failed when the file has errors (or warnings under --strict)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from balprov.diagnostics import Diagnostic, Severity
from balprov.reporters.base import Reporter
from balprov.validation import ValidationReport

# Characters XML 1.0 cannot hold, even escaped; ElementTree would write them as they are, and no parser
# would read the report back. A message may quote a control character from a broken file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class JunitReporter(Reporter):
    name = "junit"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        failing = {Severity.ERROR, Severity.WARNING} if self.settings.strict else {Severity.ERROR}
        by_file: dict[str, list[Diagnostic]] = {
            file: list(group) for file, group in groupby(report.diagnostics, key=lambda d: d.file)
        }
        files = sorted({*self.settings.files, *by_file})
        failures = sum(1 for ds in by_file.values() if any(d.severity in failing for d in ds))
        attributes = {"name": "balprov validate", "tests": str(len(files)), "failures": str(failures)}
        suites = ET.Element("testsuites", attributes)
        suite = ET.SubElement(suites, "testsuite", {**attributes, "errors": "0", "skipped": "0"})
        for file in files:
            shown = _xml_text(file)
            case = ET.SubElement(suite, "testcase", classname="balprov.validate", name=shown, file=shown)
            diagnostics = by_file.get(file, [])
            if not diagnostics:
                continue
            lines = [f"{d.file}:{d.line}:{d.column} {d.severity.value} [{d.rule}] {d.message}" for d in diagnostics]
            bad = [d for d in diagnostics if d.severity in failing]
            if bad:
                first = bad[0]
                failure = ET.SubElement(
                    case, "failure", message=_xml_text(f"[{first.rule}] {first.message}"), type=first.rule
                )
                failure.text = _xml_text("\n".join(lines))
            else:
                ET.SubElement(case, "system-out").text = _xml_text("\n".join(lines))
        ET.indent(suites)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(suites, encoding="unicode"))
        out.write("\n")
