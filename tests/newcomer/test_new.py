"""`balprov new`: scripted with flags, interactive on a pseudo-terminal, and safe with hostile values."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from balprov.loading import load_yaml
from balprov.scaffold.draft import name_from_address, slug, suggest_address
from balprov.scaffold.yaml_text import yaml_block, yaml_str

from .conftest import BALPROV, Run, StartTerminal, child_env

LILAS = [
    "--structure-type",
    "cabinet-medical",
    "--structure-name",
    "Cabinet des Lilas",
    "--postal-code",
    "93260",
    "--city",
    "Les Lilas",
    "--address-line",
    "12 rue de Paris",
    "--usage",
    "Comptes rendus, résultats d'examens.\nCoordination avec le secrétariat.",
    "--cotitulaire",
    "10107592585,Martin,Anne,10,principal,civility=DR",
    "--cotitulaire",
    "10001045367,Bernard,Paul,10,CPS",
    "--delegataire",
    "claire.dupont,Dupont,Claire,read+send,role=Secrétaire médicale",
    "--no-input",
]


def load(path: Path) -> dict[str, object]:
    """The file as balprov reads it (and as PyYAML does: both must agree)."""
    raw = path.read_bytes()
    loaded = load_yaml(raw)
    assert not loaded.problems, loaded.problems
    assert yaml.safe_load(raw) == loaded.data
    data: dict[str, object] = loaded.data
    return data


def test_scripted_new_writes_a_valid_cabinet_with_the_suggested_address(repo: Path, run: Run) -> None:
    result = run("new", *LILAS, "--name", "lilas-bis", "--address", "cabinet-des-lilas-bis.93260@demo.mssante.fr")
    assert result.code == 0, result.out + result.err
    assert "wrote cabinets/lilas-bis.yaml" in result.out
    assert "1 file checked: 0 errors, 2 warnings" in result.out  # the onboarding checklist, not done yet
    spec = load(repo / "cabinets/lilas-bis.yaml")["spec"]
    assert isinstance(spec, dict)
    assert spec["usage"] == "Comptes rendus, résultats d'examens.\nCoordination avec le secrétariat.\n"
    assert spec["cotitulaires"] == [
        {
            "rpps": "10107592585",
            "civility": "DR",
            "lastName": "Martin",
            "firstName": "Anne",
            "profession": {"code": "10", "label": "Médecin"},
            "principal": True,
            "authentication": "e-CPS",
        },
        {
            "rpps": "10001045367",
            "lastName": "Bernard",
            "firstName": "Paul",
            "profession": {"code": "10", "label": "Médecin"},
            "authentication": "CPS",
        },
    ]
    assert spec["delegataires"] == [
        {
            "id": "claire.dupont",
            "lastName": "Dupont",
            "firstName": "Claire",
            "role": "Secrétaire médicale",
            "rights": ["read", "send"],
            "delegatedBy": ["10107592585", "10001045367"],
        }
    ]
    text = (repo / "cabinets/lilas-bis.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.balprov-schemas/cabinet.schema.json\n")
    assert run("validate").code == 0


def test_the_default_address_and_name_come_from_the_structure(repo: Path, run: Run) -> None:
    (repo / "cabinets/cabinet-des-lilas-93260.yaml").unlink()  # the example takes that address
    result = run("new", *LILAS)
    assert result.code == 0, result.out + result.err
    document = load(repo / "cabinets/cabinet-des-lilas-93260.yaml")
    assert document["metadata"] == {"name": "cabinet-des-lilas-93260"}
    assert document["spec"]["address"] == "cabinet-des-lilas.93260@demo.mssante.fr"  # type: ignore[index]
    assert document["spec"]["displayName"] == "Cabinet des Lilas"  # type: ignore[index]
    # the plan then creates it
    assert run("plan", "--detailed-exitcode").code == 2


def test_a_file_in_the_way_is_refused_unless_forced(repo: Path, run: Run) -> None:
    example = repo / "cabinets/cabinet-des-lilas-93260.yaml"
    before = example.read_bytes()
    result = run("new", *LILAS)
    assert result.code == 1
    assert "cabinets/cabinet-des-lilas-93260.yaml already exists" in result.err and "--force" in result.err
    assert example.read_bytes() == before
    forced = run("new", *LILAS, "--force")
    assert forced.code == 0, forced.out + forced.err
    assert example.read_bytes() != before


def test_validation_errors_of_the_new_file_are_shown_and_exit_1(repo: Path, run: Run) -> None:
    # a valid file on its own, but the example already uses this address: a cross-file error
    result = run("new", *LILAS, "-o", "cabinets/twin.yaml", "--name", "twin")
    assert result.code == 1
    assert "cabinets/twin.yaml" in result.out and "[address-duplicate]" in result.out


HOSTILE = {
    "structure_name": 'L\'Atelier: "santé" #1 - {x} & *y* !z %t @u `v` ? [w]',
    "city": "Saint-Jean-d'Angély #17",
    "display_name": "- yes: no",
    "description": "null",
    "address_line": '  3 bis, rue "Haute" : bât. B #2  ',
    "last_name": 'O\'Brien: "the" #1',
    "first_name": "yes",
    "usage": "Ligne 1: « x »\n# pas un commentaire\n- pas une liste\n\n  indentée: oui\n",
    "role": "Secrétaire: 'médicale' #2",
}


def test_hostile_values_load_back_exactly(repo: Path, run: Run) -> None:
    result = run(
        "new",
        "--structure-type",
        "autre",
        "--structure-name",
        HOSTILE["structure_name"],
        "--postal-code",
        "17400",
        "--city",
        HOSTILE["city"],
        "--display-name",
        HOSTILE["display_name"],
        "--description",
        HOSTILE["description"],
        "--address-line",
        HOSTILE["address_line"],
        "--usage",
        HOSTILE["usage"],
        "--cotitulaire",
        f"10107592585,{HOSTILE['last_name']},{HOSTILE['first_name']},86:Pédicure: podologue",
        "--delegataire",
        f"x.y,{HOSTILE['last_name']},{HOSTILE['first_name']},read,role={HOSTILE['role']}",
        "-o",
        "cabinets/hostile.yaml",
        "--no-input",
    )
    assert result.code == 0, result.out + result.err
    spec = load(repo / "cabinets/hostile.yaml")["spec"]
    assert isinstance(spec, dict)
    assert spec["structure"]["name"] == HOSTILE["structure_name"]
    assert spec["structure"]["city"] == HOSTILE["city"]
    assert spec["structure"]["addressLines"] == [HOSTILE["address_line"]]  # verbatim, spaces included
    assert spec["displayName"] == HOSTILE["display_name"]
    assert spec["description"] == HOSTILE["description"]
    assert spec["usage"] == HOSTILE["usage"]
    person = spec["cotitulaires"][0]
    assert (person["lastName"], person["firstName"]) == (HOSTILE["last_name"], HOSTILE["first_name"])
    assert person["profession"] == {"code": "86", "label": "Pédicure: podologue"}
    assert spec["delegataires"][0]["role"] == HOSTILE["role"]
    assert spec["address"] == "l-atelier-sante-1-x-y-z-t-u-v-w.17400@demo.mssante.fr"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--structure-name", "Cabinet\ndes Lilas", "one line"),
        ("--city", "Les|Lilas", "'|'"),
        ("--display-name", "Cabinet\x1b[31m", "control character"),
        ("--postal-code", "9326", "five-digit"),
        ("--structure-type", "hopital", "cabinet-medical"),
        ("--address", "Cabinet@demo.mssante.fr", "lowercase"),
        ("--address", "cabinet.93260@autre.mssante.fr", "demo.mssante.fr"),
        ("--cotitulaire", "10107592586,Martin,Anne,10", "Luhn"),
        ("--cotitulaire", "1010759258,Martin,Anne,10", "11 digits"),
        ("--cotitulaire", "10107592585,Martin,Anne,99", "CODE:Label"),
        ("--delegataire", "Claire,Dupont,Claire,read", "identifier"),
        ("--delegataire", "claire,Dupont,Claire,write", "read, send"),
        ("--delegataire", "claire,Dupont,Claire,read,10104335319", "not a cotitulaire"),
        ("--delegataire", "claire,Dupont,Claire,read,until=2026-02-30", "YYYY-MM-DD"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_flag(repo: Path, run: Run, flag: str, value: str, message: str) -> None:
    args = [*LILAS[:-1]]
    if flag in ("--cotitulaire", "--delegataire"):  # replace the good ones
        index = args.index(flag)
        del args[index : index + 2]
        if flag == "--cotitulaire":
            del args[args.index(flag) : args.index(flag) + 2]
    args += [flag, value, "--no-input", "-o", "cabinets/bad.yaml"]
    result = run("new", *args)
    assert result.code == 2, result.out + result.err
    assert flag in result.err and message in result.err, result.err
    assert "Traceback" not in result.err
    assert not (repo / "cabinets/bad.yaml").exists()


def test_the_luhn_check_follows_the_projects_severity(repo: Path, run: Run) -> None:
    settings_file = repo / "balprov.yaml"
    settings_file.write_text(
        settings_file.read_text(encoding="utf-8").replace("rpps-checksum: error", "rpps-checksum: warning"),
        encoding="utf-8",
    )
    fictitious = "10003461033,Martin,Anne,10,principal"  # ANS's fictitious examples fail Luhn
    args = [fictitious if arg.startswith("10107592585,") else arg for arg in LILAS]
    result = run("new", *args, "-o", "cabinets/fictif.yaml", "--name", "fictif", "--address", "fictif@demo.mssante.fr")
    assert result.code == 0, result.out + result.err
    assert "warning [rpps-checksum]" in result.out


def test_without_a_terminal_missing_flags_are_listed_never_asked(repo: Path) -> None:
    """A real process with no terminal: exit 2 at once, naming every missing flag."""
    completed = subprocess.run(
        [*BALPROV, "new", "--city", "Lyon"],
        cwd=repo,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2, completed.stderr
    for flag in ("--structure-type", "--structure-name", "--postal-code", "--usage", "--cotitulaire"):
        assert flag in completed.stderr
    assert "--city" not in completed.stderr.split("missing", 1)[1].split(";")[0]
    assert sorted(path.name for path in (repo / "cabinets").iterdir()) == ["cabinet-des-lilas-93260.yaml"]


def test_several_cotitulaires_need_a_principal_when_nothing_can_be_asked(repo: Path, run: Run) -> None:
    args = [arg.replace(",principal", "") for arg in LILAS]
    result = run("new", *args)
    assert result.code == 2
    assert "',principal' on one --cotitulaire" in result.err


def test_new_outside_a_repository_says_so(workdir: Path, run: Run) -> None:
    result = run("new", *LILAS)
    assert result.code == 2 and "balprov.yaml" in result.err


# -- interactive, on a pseudo-terminal ------------------------------------------------------------------


def test_interactive_new_asks_checks_and_suggests(repo: Path, terminal: StartTerminal) -> None:
    session = terminal(repo, "new", "--today", "2026-11-29")
    answers = [
        (r"Structure type \(.*\) \[cabinet-medical\]: ", "cabinet-infirmier"),
        (r"Structure name: ", "Cabinet infirmier des Lilas"),
        (r"Postal code: ", "9326"),  # mistyped: said and asked again
        (r"'9326' is not a five-digit postal code.*\n.*Postal code: ", "93260"),
        (r"City: ", "Les Lilas"),
        (r"Street address \(optional\): ", "3 rue de la Paix"),
        (r"Name shown to correspondents \[Cabinet infirmier des Lilas\]: ", ""),
        (r"Mailbox address \[cabinet-infirmier-des-lilas\.93260@demo\.mssante\.fr\]: ", ""),
        (r"What is shared through this mailbox .*: ", "Transmissions infirmières"),
        (r"Cotitulaire 1\s+RPPS \(11 digits\): ", "10107592586"),  # a typo: fails Luhn, asked again
        (r"10107592586 fails the RPPS check digit.*\n\s*RPPS \(11 digits\): ", "1010759258"),  # too short
        (r"11 digits expected.*\n\s*RPPS \(11 digits\): ", "10107592585"),
        (r"Last name: ", "Martin"),
        (r"First name: ", "Anne"),
        (r"Profession code .*\[10\]: ", "60"),
        (r"Card \(e-CPS or CPS\) \[e-CPS\]: ", ""),
        (r"Add another cotitulaire\? \[y/N\]: ", "y"),
        (r"RPPS \(11 digits\): ", "10001045367"),
        (r"Last name: ", "Bernard"),
        (r"First name: ", "Paul"),
        (r"Profession code .*\[10\]: ", "60"),
        (r"Card \(e-CPS or CPS\) \[e-CPS\]: ", "CPS"),
        (r"Add another cotitulaire\? \[y/N\]: ", "n"),
        (r"Principal cotitulaire.*\[10107592585\]: ", "10001045367"),
        (r"Add a délégataire .*\? \[y/N\]: ", "y"),
        (r"Last name: ", "Dupont"),
        (r"First name: ", "Claire"),
        (r"Identifier at the operator \[claire\.dupont\]: ", ""),
        (r"Role .*: ", "Secrétaire médicale"),
        (r"Rights .*\[read\+send\]: ", "read"),
        (r"Delegated by .*\[10107592585;10001045367\]: ", "10001045367"),
        (r"Access from .*: ", ""),
        (r"Access until .*: ", "2027-01-31"),
        (r"Add another délégataire\? \[y/N\]: ", ""),
    ]
    for prompt, answer in answers:
        session.expect(prompt)
        session.send_line(answer)
    session.expect(r"wrote cabinets/cabinet-infirmier-des-lilas-93260\.yaml")
    session.expect(r"1 file checked: 0 errors, 2 warnings")
    assert session.wait() == 0, session.output
    document = load(repo / "cabinets/cabinet-infirmier-des-lilas-93260.yaml")
    spec = document["spec"]
    assert isinstance(spec, dict)
    assert spec["address"] == "cabinet-infirmier-des-lilas.93260@demo.mssante.fr"
    assert spec["structure"] == {
        "type": "cabinet-infirmier",
        "name": "Cabinet infirmier des Lilas",
        "finess": None,
        "addressLines": ["3 rue de la Paix"],
        "postalCode": "93260",
        "city": "Les Lilas",
    }
    assert spec["usage"] == "Transmissions infirmières\n"
    assert [(c["rpps"], c.get("principal", False), c["authentication"]) for c in spec["cotitulaires"]] == [
        ("10107592585", False, "e-CPS"),
        ("10001045367", True, "CPS"),
    ]
    assert spec["cotitulaires"][0]["profession"] == {"code": "60", "label": "Infirmier"}
    assert spec["delegataires"] == [
        {
            "id": "claire.dupont",
            "lastName": "Dupont",
            "firstName": "Claire",
            "role": "Secrétaire médicale",
            "rights": ["read"],
            "delegatedBy": ["10001045367"],
            "validUntil": "2027-01-31",
        }
    ]


def test_interactive_new_asks_only_what_the_flags_leave_out(repo: Path, terminal: StartTerminal) -> None:
    args = [arg for arg in LILAS if arg != "--no-input"]
    index = args.index("--usage")
    del args[index : index + 2]
    (repo / "cabinets/cabinet-des-lilas-93260.yaml").unlink()
    session = terminal(repo, "new", *args)
    session.expect(r"Name shown to correspondents \[Cabinet des Lilas\]: ")
    session.send_line("")
    session.expect(r"Mailbox address \[cabinet-des-lilas\.93260@demo\.mssante\.fr\]: ")
    session.send_line("")
    session.expect(r"What is shared through this mailbox .*: ")
    session.send_line("Comptes rendus")
    session.expect(r"wrote cabinets/cabinet-des-lilas-93260\.yaml")
    assert session.wait() == 0, session.output
    assert "Structure name" not in session.output and "RPPS (11 digits)" not in session.output


def test_end_of_input_while_asked_aborts_cleanly(repo: Path, terminal: StartTerminal) -> None:
    session = terminal(repo, "new")
    session.expect(r"Structure type .*: ")
    session.send_line("\x04")  # Ctrl-D
    assert session.wait() == 1
    assert "Aborted" in session.output and "Traceback" not in session.output


# -- the pieces --------------------------------------------------------------------------------------------


def test_suggestions() -> None:
    assert slug("Réseau  Cancérologie — Sein/Villeurbanne") == "reseau-cancerologie-sein-villeurbanne"
    assert suggest_address("Cabinet des Lilas", "93260", "demo.mssante.fr") == "cabinet-des-lilas.93260@demo.mssante.fr"
    assert suggest_address("!!!", "93260", "d.mssante.fr") == "cabinet.93260@d.mssante.fr"
    long = suggest_address("x" * 100, "93260", "d.mssante.fr")
    assert len(long.split("@")[0]) == 64
    assert name_from_address("reseau-cancerologie.villeurbanne@demo.mssante.fr") == "reseau-cancerologie-villeurbanne"


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_yaml_str_round_trips_any_text(value: str) -> None:
    rendered = yaml_str(value)
    assert "\n" not in rendered
    for document in (f"k: {rendered}\n", f"k: {{a: {rendered}, b: 1}}\n", f"k: [{rendered}, x]\n"):
        loaded = yaml.safe_load(document)
        value_read = loaded["k"]
        if isinstance(value_read, dict):
            value_read = value_read["a"]
        elif isinstance(value_read, list):
            value_read = value_read[0]
        assert value_read == value
    balprov_loaded = load_yaml(f"k: {rendered}\n".encode())
    if not balprov_loaded.problems:  # balprov refuses some characters YAML allows (e.g. NUL): never silently
        assert balprov_loaded.data == {"k": value}


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT, max_size=6).map("\n".join), st.booleans())
def test_yaml_block_round_trips_any_text(value: str, trailing: bool) -> None:
    value = value + ("\n" if trailing else "")
    document = f"a:\n  usage: {yaml_block(value, 4)}\n  next: 1\n"
    assert yaml.safe_load(document) == {"a": {"usage": value, "next": 1}}
