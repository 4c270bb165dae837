"""Draw seeded synthetic populations over the path library and count the work per month."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from engine.errors import Invalid
from engine.forecast.paths import Path_
from engine.monitoring import catalog
from engine.monitoring.indicators import cost_of
from engine.monitoring.settings import MonitoringSettings

METRICS = ("nieuw", "open", "intakes", "pips", "voortgangsgesprekken", "brieven", "boetes", "consulent_uren",
           "kosten")
METRIC_LABELS = {
    "nieuw": "Nieuwe zaken", "open": "Open zaken", "intakes": "Brede intakes", "pips": "PIP's",
    "voortgangsgesprekken": "Voortgangsgesprekken", "brieven": "Brieven", "boetes": "Boetes",
    "consulent_uren": "Uren klantmanagers", "kosten": "Kosten (EUR)",
}
START_DAYS = (0, 7, 14, 21)
"""A case starts on one of these days of its month (the sampling resolution of start days)."""


@dataclass
class ForecastInput:
    """What the forecast needs: instroom per month, route mix and the probabilities at the decisions."""

    start: date
    months: int
    instroom: dict[str, float]  # expected new inburgeraars per month, per doelgroep
    routemix: dict[str, float]  # share per leerroute (B1, onderwijs, Z), sums to 1
    kansen: dict[str, float] = field(default_factory=dict)  # no_show, boete, schakelen: 0..1
    runs: int = 50
    seed: int = 1
    horizon_months: int = 42  # 3.5 years of process time

    def problems(self) -> dict[str, str]:
        """Return field -> problem (Dutch) for input that cannot be simulated."""
        out = {}
        if self.months < 1 or self.months > 60:
            out["maanden"] = "kies 1 tot 60 maanden"
        if any(v < 0 for v in self.instroom.values()):
            out["instroom"] = "geen negatieve aantallen"
        if abs(sum(self.routemix.values()) - 1) > 0.01 or any(v < 0 for v in self.routemix.values()):
            out["routemix"] = "de aandelen per route moeten samen 100% zijn"
        for key, value in self.kansen.items():
            if not 0 <= value <= 1:
                out[f"kansen.{key}"] = "een kans ligt tussen 0 en 1"
        if not 1 <= self.runs <= 1000:
            out["runs"] = "kies 1 tot 1000 runs"
        return out


@dataclass
class Forecast:
    """Per metric and month: P10, P50 and P90 over the runs."""

    months: list[str]
    percentiles: dict[str, list[tuple[float, float, float]]]
    runs: int
    cases_per_run: float
    paths_used: list[str]
    notes: list[str] = field(default_factory=list)


def _month_index(day: date, first: date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def _path_profile(path: Path_, start_day: int, start_month: date, months: int,
                  settings: MonitoringSettings) -> dict[int, list[float]]:
    """Return month index -> metric vector for one case on `path` starting `start_day` days into the month."""
    started = datetime.combine(start_month, time(9), timezone.utc) + timedelta(days=start_day)
    profile: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(METRICS))
    first = start_month.replace(day=1)
    profile[0][0] += 1
    for event in path.events:
        month = _month_index((started + timedelta(days=event.offset)).date(), first)
        if month >= months:
            continue
        vector = profile[month]
        element = event.element_id
        if element in catalog.INTAKE:
            vector[2] += 1
        if element in catalog.PIP:
            vector[3] += 1
        if element in catalog.VOORTGANGSGESPREK:
            vector[4] += 1
        if event.kind == "brief":
            vector[5] += 1
        if event.kind == "boete":
            vector[6] += 1
        if event.kind == "taak":
            vector[7] += settings.minutes(element) / 60
        if event.kind in ("taak", "brief"):
            vector[8] += cost_of(element, event.leerroute, settings)[1]
    end = (started + timedelta(days=path.duration)).date() if path.duration is not None else None
    last_open = _month_index(end, first) if end else months - 1
    for month in range(0, min(last_open, months - 1) + 1):
        profile[month][1] += 1
    return profile


class Simulator:
    """Counts the work of populations over a path library (profiles cached per path, start day and month)."""

    def __init__(self, library: list[Path_], settings: MonitoringSettings, first_month: date, months: int) -> None:
        if not library:
            raise Invalid("Er zijn geen paden om mee te rekenen",
                          field_errors={"paden": "geen enkel klantreisscenario liep door de diagrammen"})
        self.library = {p.name: p for p in library}
        self.settings = settings
        self.first = first_month.replace(day=1)
        self.months = months
        self._profiles: dict[tuple[str, int, int], dict[int, list[float]]] = {}

    def _profile(self, name: str, month: int, start_day: int) -> dict[int, list[float]]:
        """Return month offset -> metric vector for a case on `name` starting in month `month` (cached)."""
        key = (name, month, start_day)
        if key not in self._profiles:
            index = self.first.month - 1 + month
            start_month = date(self.first.year + index // 12, index % 12 + 1, 1)
            self._profiles[key] = _path_profile(self.library[name], start_day, start_month, self.months - month,
                                                self.settings)
        return self._profiles[key]

    def count(self, population: Iterable[tuple[str, int, int]]) -> list[list[float]]:
        """Return month -> metric vector for cases given as (path name, start month index, start day)."""
        grouped: dict[tuple[str, int, int], int] = defaultdict(int)
        for item in population:
            grouped[item] += 1
        table = [[0.0] * len(METRICS) for _ in range(self.months)]
        for (name, month, day), n in grouped.items():
            for offset, vector in self._profile(name, month, day).items():
                target = month + offset
                if 0 <= target < self.months:
                    row = table[target]
                    for i, value in enumerate(vector):
                        if value:
                            row[i] += value * n
        return table


def _weights(paths: list[Path_], kansen: dict[str, float]) -> list[float]:
    weights = []
    for path in paths:
        weight = 1.0
        for feature, p in kansen.items():
            if feature in path.features:
                weight *= p if path.features[feature] else (1 - p)
        weights.append(weight)
    if sum(weights) == 0:
        return [1.0] * len(paths)
    return weights


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, mean ** 0.5)))
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def draw_population(library: list[Path_], spec: ForecastInput, rng: random.Random) -> list[tuple[str, int, int]]:
    """Draw one synthetic population: (path, start month, start day) per new inburgeraar."""
    by_group: dict[tuple, list[Path_]] = defaultdict(list)
    for path in library:
        by_group[(path.doelgroep, path.leerroute)].append(path)
    routes = list(spec.routemix)
    route_weights = [spec.routemix[r] for r in routes]
    population = []
    for month in range(spec.months):
        for doelgroep, expected in spec.instroom.items():
            for _ in range(_poisson(rng, expected)):
                route = rng.choices(routes, route_weights)[0]
                candidates = (by_group.get((doelgroep, route)) or [p for p in library if p.leerroute == route]
                              or [p for p in library if p.doelgroep == doelgroep] or library)
                path = rng.choices(candidates, _weights(candidates, spec.kansen))[0]
                population.append((path.name, month, rng.choice(START_DAYS)))
    return population


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def forecast(library: list[Path_], spec: ForecastInput, settings: MonitoringSettings) -> Forecast:
    """Run `spec.runs` seeded populations and return P10/P50/P90 per metric and month."""
    problems = spec.problems()
    if problems:
        raise Invalid("De prognose kan zo niet worden gemaakt", field_errors=problems)
    shown = spec.months + spec.horizon_months
    simulator = Simulator(library, settings, spec.start, shown)
    rng = random.Random(spec.seed)
    tables, sizes = [], []
    for _ in range(spec.runs):
        population = draw_population(library, spec, rng)
        sizes.append(len(population))
        tables.append(simulator.count(population))
    first = spec.start.replace(day=1)
    labels = [f"{(first.year * 12 + first.month - 1 + i) // 12}-{(first.month - 1 + i) % 12 + 1:02d}"
              for i in range(shown)]
    percentiles = {
        metric: [tuple(round(_percentile([t[m][i] for t in tables], q), 1) for q in (0.1, 0.5, 0.9))
                 for m in range(shown)]
        for i, metric in enumerate(METRICS)
    }
    notes = [f"Paden uit {len(library)} klantreisscenario's, elk een keer door de gedeployde diagrammen gelopen."]
    for feature, p in spec.kansen.items():
        if p and not any(path.features.get(feature) for path in library):
            notes.append(f"De kans '{feature}' is niet toegepast: geen scenario in de bibliotheek loopt zo.")
    unfinished = sum(1 for path in library if path.duration is None)
    if unfinished:
        notes.append(f"{unfinished} paden eindigen voor het einde van de klantreis; die zaken tellen daarna als "
                     "open zaak zonder verder werk.")
    partial = [p.name for p in library if not p.complete]
    if partial:
        notes.append("Deze paden liepen niet helemaal door (gestopt bij een fout): " + ", ".join(partial))
    return Forecast(labels, percentiles, spec.runs, sum(sizes) / len(sizes), sorted({p.name for p in library}),
                    notes)
