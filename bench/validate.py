"""Time `balprov validate` against the floor (libyaml compose of every file) and check-jsonschema.

    .venv/bin/python bench/validate.py [N] [--runs 3] [--json] [--cjs-files 1000]
                                       [--skip-threshold | --threshold-only] [--keep DIR]

Generates N realistic, valid cabinet files (1-20 cotitulaires with Luhn-valid RPPS, 0-5 délégataires,
addresses far enough apart not to trigger name-confusable) in a temporary project, then times whole
processes, interleaved round by round so that drift hits every command alike, and reports medians:

- floor: a bare `python -c` that walks the folder, reads each file and `yaml.compose`s it with libyaml;
- `balprov validate` (default jobs) and `balprov validate -j 1`;
- `check-jsonschema --schemafile schemas/cabinet.schema.json <files>` (schema only, no rules). It needs
  several milliseconds per file, so by default it is timed on a subset (`--cjs-files`, 0 = all N) and
  extrapolated linearly as start-up + per-file cost x N; the table says so when it does.

Peak RSS is the largest resident set of one process of the command's tree (`ru_maxrss` of
RUSAGE_CHILDREN, taken in a fresh wrapper process per run), for balprov at N/10, N/2 and N: the line
through N/10 and N gives the memory per file, and N/2 shows whether growth is linear.

Finally it times `-j 1` against `-j 2` at 100..1600 files with the engine's PARALLEL_THRESHOLD forced
to 0, to find where a second process starts to pay (the constant in validation/engine.py).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "cabinet.schema.json"
TODAY = "2026-11-29"
THRESHOLD_SIZES = (100, 200, 300, 400, 600, 800, 1600)

# ---------------------------------------------------------------------------------------------------
# Generation


def _words(text: str, separator: str) -> tuple[str, ...]:
    return tuple(text.split(separator))


LAST_NAMES = _words(
    "Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|Michel|Lefèbvre|Leroy|"
    "Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Muller|"
    "Lefèvre|Faure|André|Mercier|Blanc|Guérin|Boyer|Garnier|Chevalier|François|Legrand|Gauthier|Garcia|"
    "Perrin|Robin|Clément|Morin|Nicolas|Henry|Roussel|Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|"
    "Marie|Lemaire|Noël|Meyer|Dufour|Meunier|Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|"
    "Barbier|Arnaud|Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|Vidal|Caron|Picard|Roger|Fabre|"
    "Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey|Leclerc|Payet|"
    "Rolland|Leclercq|Guillaume|Lecomte|Lopez|Jean|Dupuy|Guillot|Hubert|Berger|Carpentier|Sanchez|Dupuis|"
    "Moulin|Louis|Deschamps|Huet|Vasseur|Perez|Boucher|Fleury|Royer|Klein|Jacquet|Adam|Paris|Poirier|"
    "Marty|Aubry|Guyot|Carré|Charles|Renault|Charpentier|Ménard|Maillard|Baron|Bertin|Bailly|Hervé|"
    "Schneider|Fernandez|Le Gall|Collet|Léger|Bouvier|Julien|Prévost|Millet|Perrot|Daniel|Le Roux|Cousin|"
    "Germain|Breton|Besson|Langlois|Rémy|Le Goff|Pelletier|Lévêque|Perrier|Leblanc|Barré|Lebrun|Marchal|"
    "Weber|Mallet|Hamon|Boulanger|Jacob|Monnier|Michaud|Rodriguez|Guichard|Gillet|Étienne|Grondin|Poulain|"
    "Tessier|Chevallier|Collin|Chauvin|Da Silva|Bouchet|Gay|Lemaître|Bénard|Maréchal|Humbert|Reynaud|"
    "Antoine|Hoarau|Perret|Barthélemy|Cordier|Pichon|Lejeune|Gilbert|Lamy|Delaunay|Pasquier|Carlier|"
    "Laporte|Nguyen|Tran|Diallo|Haddad|Benali|Ouédraogo|Kowalski|Ferreira|Santos",
    "|",
)
FIRST_NAMES = _words(
    "Anne Paul Claire Hélène Thomas Sophie Catherine Éric Léa Marie Jean Pierre Michel Philippe Nathalie "
    "Isabelle Sylvie Christine Martine Françoise Monique Nicolas Julien Camille Chloé Manon Inès Jade "
    "Louise Emma Lucas Hugo Louis Gabriel Arthur Raphaël Jules Adam Maël Léo Noé Zoé Élodie Céline "
    "Aurélie Émilie Stéphanie Valérie Sandrine Laurence Véronique Brigitte Dominique Frédéric Jérôme "
    "Sébastien Stéphane Laurent Olivier Christophe Patrick Alain Bernard Daniel François Gérard Henri "
    "Jacques Rémi Benoît Mathilde Margaux Océane Agathe Clémence Anaïs Noémie Maëlys Yasmine Amira Karim "
    "Mehdi Youssef Ibrahim",
    " ",
)
CITIES = (
    ("Les Lilas", "93260"),
    ("Villeurbanne", "69100"),
    ("Lyon", "69003"),
    ("Marseille", "13005"),
    ("Toulouse", "31400"),
    ("Nantes", "44000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Bordeaux", "33800"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Reims", "51100"),
    ("Saint-Étienne", "42000"),
    ("Le Havre", "76600"),
    ("Grenoble", "38000"),
    ("Dijon", "21000"),
    ("Angers", "49000"),
    ("Nîmes", "30000"),
    ("Clermont-Ferrand", "63000"),
    ("Aix-en-Provence", "13090"),
    ("Brest", "29200"),
    ("Tours", "37000"),
    ("Amiens", "80000"),
    ("Limoges", "87000"),
    ("Annecy", "74000"),
    ("Perpignan", "66000"),
    ("Besançon", "25000"),
    ("Metz", "57000"),
    ("Orléans", "45000"),
    ("Rouen", "76000"),
    ("Mulhouse", "68100"),
    ("Caen", "14000"),
    ("Nancy", "54000"),
    ("Argenteuil", "95100"),
    ("Montreuil", "93100"),
    ("Roubaix", "59100"),
    ("Tourcoing", "59200"),
    ("Avignon", "84000"),
    ("Créteil", "94000"),
    ("Poitiers", "86000"),
    ("Pau", "64000"),
    ("La Rochelle", "17000"),
    ("Cayenne", "97300"),
    ("Saint-Denis", "97400"),
    ("Ajaccio", "20000"),
    ("Bastia", "20200"),
    ("Quimper", "29000"),
    ("Vannes", "56000"),
    ("Lorient", "56100"),
    ("Colmar", "68000"),
)
STREETS = (
    "rue de Paris",
    "avenue Jean Jaurès",
    "place de la République",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "cours Émile Zola",
    "rue de la Gare",
    "allée des Tilleuls",
    "chemin des Vignes",
    "rue du Général de Gaulle",
    "impasse des Lilas",
    "quai Saint-Antoine",
    "rue André Philip",
    "avenue de la Libération",
    "rue des Écoles",
)
PLACES = _words(
    "des Lilas, du Parc, de la Gare, Saint-Jean, des Tilleuls, du Centre, des Vignes, de la Fontaine, "
    "du Marché, des Roses, de l'Église, du Port, des Acacias, de la Mairie, du Moulin, des Platanes, "
    "de la République, du Château, des Écoles, de la Plage, du Lac, des Peupliers, de la Colline, du Pont, "
    "des Cèdres, Saint-Michel, Saint-Martin, Sainte-Anne, du Soleil, des Oliviers, de la Source, "
    "des Chênes, du Vieux-Bourg, des Alpes, de la Vallée, du Canal, du Rivage, des Sources, "
    "des Marronniers, de la Forêt, des Quatre-Vents",
    ", ",
)
STRUCTURES = (
    ("cabinet-medical", "Cabinet médical", "cabinet"),
    ("cabinet-medical", "Maison de santé", "msp"),
    ("cabinet-medical", "Centre médical", "centre-medical"),
    ("cabinet-paramedical", "Cabinet de kinésithérapie", "kine"),
    ("cabinet-paramedical", "Cabinet d'orthophonie", "orthophonie"),
    ("cabinet-infirmier", "Cabinet infirmier", "cabinet-infirmier"),
    ("reseau", "Réseau de santé", "reseau"),
    ("association", "Association de soins", "association"),
    ("administration", "Service médical", "service-medical"),
    ("autre", "Pôle de santé", "pole-sante"),
)
PROFESSIONS = (
    ("10", "Médecin"),
    ("10", "Médecin"),
    ("10", "Médecin"),
    ("60", "Infirmier"),
    ("70", "Masseur-kinésithérapeute"),
    ("40", "Chirurgien-dentiste"),
    ("50", "Sage-femme"),
    ("21", "Pharmacien"),
    ("91", "Orthophoniste"),
)
SPECIALTIES = (
    ("SM44", "Radio-diagnostic et imagerie médicale"),
    ("SM54", "Médecine générale"),
    ("SM26", "Qualifié en médecine générale"),
    ("SM15", "Gynécologie-obstétrique"),
    ("SM42", "Pédiatrie"),
)
ROLES = ("Secrétaire médicale", "Assistante médicale", "Médecin remplaçant", "Coordinatrice", "Chef de section")
USAGES = (
    "Comptes rendus, résultats d'examens, coordination avec le secrétariat.",
    "Échanges avec les correspondants hospitaliers et les laboratoires ; suivi des patients partagés.",
    "Coordination des parcours : comptes rendus d'imagerie, de réunions de concertation et de consultations.",
    "Réception des résultats de biologie et des lettres de liaison ; réponses du secrétariat.",
)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def _skeleton(address: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in ascii_text if c.isalnum() or c == "@")


def _variants(skeleton: str) -> set[str]:
    found = {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))}
    found.add(skeleton)
    return found


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def rpps(rng: random.Random) -> str:
    body = "10" + "".join(rng.choice("0123456789") for _ in range(8))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _count(rng: random.Random, weights: Sequence[float]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


# Most cabinets are small (1-3 holders, ~40 lines), a few are large: every size up to 20 occurs.
COTITULAIRE_WEIGHTS = [0, 30, 28, 14, 8, 5, 3, 2, 2, 1, 1, 1, 1, 0.7, 0.6, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4]
DELEGATAIRE_WEIGHTS = [30, 40, 16, 8, 4, 2]


@dataclass
class Generator:
    rng: random.Random
    taken: set[str] = field(default_factory=set)  # one-deletion variants of every address's skeleton
    names: set[str] = field(default_factory=set)

    def address(self) -> tuple[str, str, tuple[str, str, str], tuple[str, str], str]:
        """(address, metadata.name, structure kind, (city, postal code), place) not confusable with earlier ones."""
        while True:
            kind = self.rng.choice(STRUCTURES)
            city, postal = self.rng.choice(CITIES)
            if self.rng.random() < 0.7:  # another postal code of the same department
                postal = postal[:2] + f"{self.rng.randrange(1000):03d}"
            place = " ".join(self.rng.sample(PLACES, self.rng.choice((1, 1, 2))))
            local = f"{kind[2]}-{_slug(place)}.{postal}"
            if self.rng.random() < 0.3:
                local = f"{kind[2]}-{_slug(place)}.{_slug(city)}.{postal}"
            name = local.replace(".", "-")[:63].strip("-")
            address = f"{local}@demo.mssante.fr"
            variants = _variants(_skeleton(address))
            if len(local) > 64 or name in self.names or not variants.isdisjoint(self.taken):
                continue
            self.taken |= variants
            self.names.add(name)
            return address, name, kind, (city, postal), place

    def cabinet(self) -> str:
        rng = self.rng
        address, name, kind, (city, postal), place = self.address()
        structure_name = f"{kind[1]} {place}".replace("  ", " ")
        structure_name = structure_name[0].upper() + structure_name[1:]
        lines = [
            "# yaml-language-server: $schema=../schemas/cabinet.schema.json",
            f"# Generated by bench/validate.py: {structure_name}, {city}.",
            "apiVersion: balprov/v1",
            "kind: BalCabinet",
            "metadata:",
            f"  name: {name}",
            "spec:",
            f"  address: {address}",
            "  operator: demo",
            f"  displayName: {structure_name} - {city}",
        ]
        if rng.random() < 0.7:
            lines.append(f"  description: {kind[1]} de {city}, secrétariat partagé")
        if rng.random() < 0.5:
            lines.append(f"  listeRouge: {'true' if rng.random() < 0.1 else 'false'}")
        lines += [
            "  structure:",
            f"    type: {kind[0]}",
            f"    name: {structure_name}",
            "    finess: null",
        ]
        if rng.random() < 0.8:
            street = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
            if rng.random() < 0.2:
                lines.append(f'    addressLines: ["{street}", "Bâtiment {rng.choice("ABCD")}"]')
            else:
                lines.append(f'    addressLines: ["{street}"]')
        lines += [f'    postalCode: "{postal}"', f"    city: {city}", "  usage: |", f"    {rng.choice(USAGES)}"]
        if rng.random() < 0.3:
            lines.append(f"    {rng.choice(USAGES)}")
        holders: list[str] = []
        while len(holders) < max(1, _count(rng, COTITULAIRE_WEIGHTS)):
            number = rpps(rng)
            if number not in holders:
                holders.append(number)
        lines.append("  cotitulaires:")
        for index, number in enumerate(holders):
            code, label = rng.choice(PROFESSIONS)
            lines.append(f'    - rpps: "{number}"')
            if rng.random() < 0.8:
                lines.append(f"      civility: {rng.choice(('DR', 'DR', 'PR', 'M', 'MME'))}")
            lines += [
                f"      lastName: {rng.choice(LAST_NAMES)}",
                f"      firstName: {rng.choice(FIRST_NAMES)}",
                f'      profession: {{code: "{code}", label: {label}}}',
            ]
            if code == "10" and rng.random() < 0.2:
                lines.append('      specialty: {{code: "{}", label: {}}}'.format(*rng.choice(SPECIALTIES)))
            if index == 0:
                lines.append("      principal: true")
            lines.append(f"      authentication: {rng.choice(('e-CPS', 'e-CPS', 'CPS'))}")
            if index and rng.random() < 0.6:
                lines.append(f'      nominatedBy: "{rng.choice(holders[:index])}"')
        delegates = _count(rng, DELEGATAIRE_WEIGHTS)
        if delegates:
            lines.append("  delegataires:")
        ids: set[str] = set()
        for _ in range(delegates):
            last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
            delegate_id = f"{_slug(first)}.{_slug(last)}".replace("-", ".")
            while delegate_id in ids:
                delegate_id += str(rng.randrange(10))
            ids.add(delegate_id)
            role = rng.choice(ROLES)
            lines.append(f"    - id: {delegate_id}")
            if role == "Médecin remplaçant":
                number = rpps(rng)
                while number in holders:
                    number = rpps(rng)
                lines.append(f'      rpps: "{number}"')
            elif rng.random() < 0.3:
                lines.append("      rpps: null")
            lines += [f"      lastName: {last}", f"      firstName: {first}", f"      role: {role}"]
            lines.append(f"      rights: {rng.choice(('[read, send]', '[read, send]', '[read]'))}")
            by = rng.sample(holders, min(len(holders), rng.choice((1, 1, 2, 3))))
            lines.append("      delegatedBy: [" + ", ".join(f'"{n}"' for n in by) + "]")
            if role == "Médecin remplaçant":
                start = f"2027-{rng.randrange(1, 7):02d}-{rng.randrange(1, 29):02d}"
                lines += [f"      validFrom: {start}", f"      validUntil: 2027-{rng.randrange(7, 13):02d}-15"]
        lines += ["  onboarding:", "    patientsInformed: true", "    partnersNotified: true"]
        return "\n".join(lines) + "\n"


def make_project(folder: Path, count: int, seed: int) -> list[Path]:
    """A project with balprov.yaml copied from the repository and `count` cabinet files."""
    (folder / "cabinets").mkdir(parents=True)
    shutil.copy(REPO / "balprov.yaml", folder / "balprov.yaml")
    generator = Generator(random.Random(seed))
    files = []
    for index in range(count):
        path = folder / "cabinets" / f"cabinet-{index:05d}.yaml"
        path.write_text(generator.cabinet(), encoding="utf-8")
        files.append(path)
    return files


def subset_project(source: Path, folder: Path, count: int) -> Path:
    """A project holding the first `count` files of another one (hard links: same bytes, no copy)."""
    (folder / "cabinets").mkdir(parents=True)
    shutil.copy(source / "balprov.yaml", folder / "balprov.yaml")
    for path in sorted((source / "cabinets").iterdir())[:count]:
        os.link(path, folder / "cabinets" / path.name)
    return folder


# ---------------------------------------------------------------------------------------------------
# Measurement

FLOOR = """
import os, sys, yaml
loader = yaml.CSafeLoader
for current, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(current, name), "rb") as handle:
                yaml.compose(handle.read(), Loader=loader)
"""

# Runs argv[2:] in a fresh process so that ru_maxrss covers this run only. With argv[1] == "1" it also samples
# the whole process tree from /proc every 10 ms (RSS and PSS sums). Prints one JSON line.
WRAPPER = r"""
import json, os, resource, subprocess, sys, tempfile, time
sample = sys.argv[1] == "1"
page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found
def memory(pids):
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                rss += int(handle.read().split()[1]) * page_kib
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            pass
    return rss, pss
errors = tempfile.TemporaryFile()
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
tree_rss = tree_pss = processes = 0
if sample:
    while child.poll() is None:
        pids = descendants(child.pid)
        rss, pss = memory(pids)
        tree_rss, tree_pss, processes = max(tree_rss, rss), max(tree_pss, pss), max(processes, len(pids))
        time.sleep(0.01)
code = child.wait()
seconds = time.perf_counter() - start
errors.seek(0)
print(json.dumps({
    "code": code, "seconds": seconds, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "tree_rss_kib": tree_rss, "tree_pss_kib": tree_pss, "processes": processes,
    "stderr": errors.read()[-2000:].decode("utf-8", "replace"),
}))
"""


FORCED_PARALLEL = (
    "import sys; import balprov.validation.engine as engine; engine.PARALLEL_THRESHOLD = 0; "
    "from balprov.cli import main; main(sys.argv[1:])"
)


@dataclass
class Measure:
    label: str
    files: int
    seconds: list[float] = field(default_factory=list)
    maxrss_kib: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.maxrss_kib) / 1024


def run_measured(argv: Sequence[str], cwd: Path, expect: int = 0, sample: bool = False) -> dict[str, Any]:
    """One whole process under WRAPPER (with `sample`, the tree's memory too); exits the benchmark if its exit
    status is not `expect`. The figures as WRAPPER prints them."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "1" if sample else "0", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    if result["code"] != expect:
        shown = " ".join(Path(a).name if "/" in a else a for a in argv[:4])
        raise SystemExit(f"{shown} ... exited with {result['code']} (expected {expect}):\n{result['stderr']}")
    return result


def run_once(argv: Sequence[str], cwd: Path, expect: int = 0) -> tuple[float, int]:
    result = run_measured(argv, cwd, expect)
    return float(result["seconds"]), int(result["maxrss_kib"])


def tool(name: str) -> list[str]:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (pip install -e '.[bench]')")
    return [found]


def balprov_cmd(*args: str) -> list[str]:
    # Cold, every run: the per-file cache would make every run after the first a warm one (bench/scale.py
    # measures warm runs).
    return [*tool("balprov"), "validate", "--no-cache", "--today", TODAY, *args]


def measure_round_robin(commands: dict[str, tuple[list[str], Path, int]], runs: int) -> dict[str, Measure]:
    measures = {label: Measure(label, files) for label, (_, _, files) in commands.items()}
    for _ in range(runs):
        for label, (argv, cwd, _) in commands.items():
            seconds, rss = run_once(argv, cwd)
            measures[label].seconds.append(seconds)
            measures[label].maxrss_kib.append(rss)
    return measures


def check_valid(project: Path) -> None:
    done = subprocess.run([*balprov_cmd("--format", "json")], cwd=project, capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    if report["diagnostics"]:
        first = report["diagnostics"][:3]
        raise SystemExit(f"generated files are not all clean: {report['summary']}: {first}")


@dataclass
class ThresholdRow:
    files: int
    j1: float
    j2: float

    @property
    def speedup(self) -> float:
        return self.j1 / self.j2


def measure_threshold(project: Path, scratch: Path, runs: int) -> list[ThresholdRow]:
    rows = []
    python = [sys.executable, "-c", FORCED_PARALLEL, "validate", "--no-cache", "--today", TODAY]
    available = len(list((project / "cabinets").iterdir()))
    for size in [size for size in THRESHOLD_SIZES if size <= available]:
        folder = subset_project(project, scratch / f"threshold-{size}", size)
        j1: list[float] = []
        j2: list[float] = []
        run_once([*python, "-j", "1"], folder)  # warm-up
        for _ in range(runs):
            j1.append(run_once([*python, "-j", "1"], folder)[0])
            j2.append(run_once([*python, "-j", "2"], folder)[0])
        rows.append(ThresholdRow(size, statistics.median(j1), statistics.median(j2)))
    return rows


def lines_per_file(files: Sequence[Path]) -> float:
    return sum(path.read_bytes().count(b"\n") for path in files) / len(files)


def memory_growth(measures: dict[str, Measure]) -> dict[str, float]:
    """Peak RSS as a line through N/10 and N (start + slope per file), and how far N/2 falls from it."""
    tenth, half, full = measures["balprov-tenth"], measures["balprov-half"], measures["balprov"]
    slope = (full.peak_mib - tenth.peak_mib) / (full.files - tenth.files)
    j1_tenth, j1_full = measures["balprov-j1-tenth"], measures["balprov-j1"]
    return {
        "kib_per_file": slope * 1024,
        "intercept_mib": full.peak_mib - slope * full.files,
        "half_measured_mib": half.peak_mib,
        "half_predicted_mib": full.peak_mib - slope * (full.files - half.files),
        "j1_kib_per_file": (j1_full.peak_mib - j1_tenth.peak_mib) / (j1_full.files - j1_tenth.files) * 1024,
    }


def render_threshold(rows: list[ThresholdRow]) -> str:
    out = [
        "PARALLEL_THRESHOLD: `-j 1` vs `-j 2` with the threshold forced to 0 (medians, whole processes)",
        "",
        "| files | -j 1 s | -j 2 s | -j1 / -j2 |",
        "|---:|---:|---:|---:|",
    ]
    out += [f"| {r.files:,} | {r.j1:.3f} | {r.j2:.3f} | {r.speedup:.2f} |" for r in rows]
    return "\n".join(out)


def render(result: dict[str, object], measures: dict[str, Measure], rows: list[ThresholdRow]) -> str:
    floor = measures["floor"].median
    out = [
        f"{result['files']:,} generated cabinet files, {result['lines_per_file']:.1f} lines each on average; "
        f"{result['cores']} cores; medians of {result['runs']} runs (whole processes, files in the OS cache)",
        "",
        "| command | files | median s | runs (s) | peak RSS MiB | x floor |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for m in measures.values():
        runs = ", ".join(f"{s:.2f}" for s in m.seconds)
        label = m.label + (f" ({m.note})" if m.note else "")
        out.append(f"| {label} | {m.files:,} | {m.median:.2f} | {runs} | {m.peak_mib:.0f} | {m.median / floor:.2f} |")
    ratios = result["ratios"]
    memory = result["memory"]
    assert isinstance(ratios, dict) and isinstance(memory, dict)
    out += ["", "| ratio | value |", "|---|---:|"]
    out += [f"| {name} | {value:.2f} |" for name, value in ratios.items()]
    out += [
        "",
        f"Peak RSS (largest process) grows linearly: {memory['intercept_mib']:.0f} MiB + "
        f"{memory['kib_per_file']:.1f} KiB per file (-j 1: {memory['j1_kib_per_file']:.1f} KiB per file); "
        f"at N/2 that line predicts {memory['half_predicted_mib']:.0f} MiB, "
        f"measured {memory['half_measured_mib']:.0f}.",
    ]
    if rows:
        out += ["", render_threshold(rows)]
    return "\n".join(out)


def as_installed() -> None:
    """Time balprov as it runs once installed: a wheel's modules are byte-compiled at install time, a checkout's
    on first use. PYTHONDONTWRITEBYTECODE (set on some machines) would make every timed run compile balprov's
    sources again (~40 ms, more for the generated schema validator), which no user pays."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(REPO / "src", quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="?", type=int, default=10_000, help="cabinet files to generate")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median; at least 3)")
    parser.add_argument("--cjs-files", type=int, default=1000, help="files check-jsonschema checks (0: all)")
    parser.add_argument("--skip-threshold", action="store_true", help="do not measure PARALLEL_THRESHOLD")
    parser.add_argument("--threshold-only", action="store_true", help="only measure PARALLEL_THRESHOLD")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="generate the projects in this folder and keep them")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    count: int = args.files
    runs = max(3, args.runs)
    if count < 20:
        parser.error("at least 20 files")
    scratch = Path(tempfile.mkdtemp(prefix="balprov-bench-")) if args.keep is None else args.keep
    try:
        project = scratch / "project"
        files = make_project(project, count, args.seed)
        check_valid(project)
        run_once([sys.executable, "-c", FLOOR, "cabinets"], project)  # warm the OS cache
        if args.threshold_only:
            rows = measure_threshold(project, scratch, max(5, runs))
            threshold = {"files": count, "parallel_threshold": [{**asdict(r), "speedup": r.speedup} for r in rows]}
            print(json.dumps(threshold, indent=2) if args.json else render_threshold(rows))
            return 0
        tenth = subset_project(project, scratch / "tenth", count // 10)
        half = subset_project(project, scratch / "half", count // 2)

        cjs_count = count if args.cjs_files <= 0 else min(count, args.cjs_files)
        cjs = [*tool("check-jsonschema"), "--schemafile", str(SCHEMA)]
        rel = [str(p.relative_to(project)) for p in files]
        commands: dict[str, tuple[list[str], Path, int]] = {
            "floor": ([sys.executable, "-c", FLOOR, "cabinets"], project, count),
            "balprov": (balprov_cmd(), project, count),
            "balprov-j1": (balprov_cmd("-j", "1"), project, count),
            "balprov-tenth": (balprov_cmd(), tenth, count // 10),
            "balprov-half": (balprov_cmd(), half, count // 2),
            "balprov-j1-tenth": (balprov_cmd("-j", "1"), tenth, count // 10),
            "cjs": ([*cjs, *rel[:cjs_count]], project, cjs_count),
        }
        if cjs_count < count:
            commands["cjs-startup"] = ([*cjs, rel[0]], project, 1)
        measures = measure_round_robin(commands, runs)
        labels = {
            "floor": "floor: python -c read + yaml.compose (CSafeLoader)",
            "balprov": f"balprov validate (-j {os.cpu_count()}, one per core)",
            "balprov-j1": "balprov validate -j 1",
            "balprov-tenth": "balprov validate (N/10)",
            "balprov-half": "balprov validate (N/2)",
            "balprov-j1-tenth": "balprov validate -j 1 (N/10)",
            "cjs": "check-jsonschema" + (" (SUBSET)" if cjs_count < count else ""),
            "cjs-startup": "check-jsonschema, 1 file (its start-up)",
        }
        for key, measure in measures.items():
            measure.label = labels[key]
        if cjs_count < count:
            startup = measures["cjs-startup"].median
            per_file = (measures["cjs"].median - startup) / (cjs_count - 1)
            measures["cjs-at-n"] = Measure(
                "check-jsonschema, EXTRAPOLATED",
                count,
                [startup + per_file * count],
                measures["cjs"].maxrss_kib,
                f"linear: {startup:.2f} s start-up + {per_file * 1000:.2f} ms/file x N, "
                f"measured on {cjs_count:,} files",
            )
        cjs_at_n = measures.get("cjs-at-n", measures["cjs"]).median
        ratios = {
            "balprov / floor": measures["balprov"].median / measures["floor"].median,
            "balprov -j 1 / floor": measures["balprov-j1"].median / measures["floor"].median,
            "check-jsonschema / balprov" + (" (extrapolated)" if cjs_count < count else ""): cjs_at_n
            / measures["balprov"].median,
        }
        rows = [] if args.skip_threshold else measure_threshold(project, scratch, max(5, runs))
        result: dict[str, object] = {
            "files": count,
            "lines_per_file": lines_per_file(files),
            "cores": os.cpu_count(),
            "runs": runs,
            "python": sys.version.split()[0],
            "measures": {key: {**asdict(m), "median": m.median, "peak_mib": m.peak_mib} for key, m in measures.items()},
            "ratios": ratios,
            "memory": memory_growth(measures),
            "parallel_threshold": [{**asdict(r), "speedup": r.speedup} for r in rows],
        }
        print(json.dumps(result, indent=2) if args.json else render(result, measures, rows))
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
