"""Annuaire Santé publication: what the directory publishes of the applied mailboxes, and checks of it.

One module per output (domain.md, "The Annuaire Santé public extraction" and "FHIR representation"):

- `extraction`: the 31-column `Extraction_Correspondance_MSSante` layout, shared by writer and reader;
- `postal`: a cabinet's free address lines mapped onto the layout's AFNOR address columns;
- `extraction_csv`: `balprov export annuaire --format csv`, from the applied state;
- `fhir`: the FHIR pieces both FHIR outputs share (systems, identifiers, the mailbox ContactPoint);
- `fhir_bundle`: `--format fhir`, a Bundle of Practitioners carrying the mailboxes;
- `fhir_patch`: `--format fhir-patch`, a plan's changes as a transaction of conditional PATCHes;
- `extraction_reader`: a real extraction (`.txt` or the `.zip` ANS ships), streamed line by line;
- `check`: `balprov annuaire check`, the extraction compared with the applied state.
"""
