"""Roles as data: what each kind of person or system may do (capabilities), which task groups it
may work in, which messages it may send and how much of a case it may see.

This module is the one place that answers "may this actor do this?". Routes ask it through the
route rule table (engine/access/routes.py), services ask it through `require`, and the CLI asks
it before every write. A beheerder reads the same table on the roles page and in DEVELOPERS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Iterable

from engine.errors import Forbidden


@dataclass(frozen=True)
class Capability:
    """One thing a role may do, with the Dutch label the beheerder reads."""

    id: str
    label: str


CAPABILITIES: dict[str, Capability] = {c.id: c for c in (
    Capability("tasks.work", "Eigen taken en taken van de eigen groepen zien, oppakken en afronden"),
    Capability("tasks.team", "Alle taken van het team zien"),
    Capability("tasks.assign", "Taken toewijzen aan een collega"),
    Capability("case.read", "Dossiers inzien (binnen de eigen zichtbaarheid)"),
    Capability("case.start", "Een klantreis starten"),
    Capability("case.search", "Zoeken op naam of zaaknummer"),
    Capability("case.search_bsn", "Zoeken op BSN"),
    Capability("case.notes", "Notities lezen en schrijven"),
    Capability("case.audit", "Het volledige logboek van een zaak lezen"),
    Capability("case.partners", "Partnerorganisaties aan een inburgeraar koppelen"),
    Capability("letters.read", "Brieven lezen en downloaden"),
    Capability("letters.review", "Brieven controleren (vier ogen)"),
    Capability("letters.export", "De printbatch maken (export)"),
    Capability("messages.send", "Berichten aan een zaak sturen (alleen de eigen berichtnamen)"),
    Capability("incidents.retry", "Storingen opnieuw proberen"),
    Capability("deploy", "Processen, beslistabellen en formulieren deployen (eigen gemeente)"),
    Capability("access.inzage", "Zien wie een dossier heeft ingezien (AVG art. 15)"),
    Capability("access.sessions", "Sessies van gebruikers intrekken"),
    Capability("access.roles", "De rollen en hun rechten lezen"),
    Capability("monitoring.read", "Monitoring en cijfers lezen (geen persoonsgegevens)"),
    Capability("case.owner", "De klantmanager van een dossier aanwijzen of overdragen (met reden)"),
    Capability("beheer", "Beheerschermen: storingen, versies, zaak zoeken, wachtrijen, workers, DUO-verkeer"),
    Capability("cohorts.read", "Brugklasgroepen en hun deelnemers zien"),
    Capability("cohorts.plan", "Brugklasgroepen, startmomenten en bijeenkomsten plannen"),
    Capability("cohorts.attendance", "Aanwezigheid bij de brugklas registreren"),
    Capability("case.team", "Een dossier naar een ander team verplaatsen (met reden)"),
    Capability("teams.manage", "Teams en teamleden beheren (eigen gemeente)"),
    Capability("partners.portal", "Partnerportaal: uren, aanwezigheid, voortgang en signalen van gekoppelde inburgeraars"),
    Capability("partners.case", "Uren, aanwezigheid en signalen van partners bij een dossier zien en met DUO vergelijken"),
    Capability("partners.report", "Maandrapportage per aanbieder (contractbeheer) lezen en downloaden"),
    Capability("pw.maatregelen", "Een maatregel van de Participatiewet (artikel 18 of 18b) vastleggen bij een dossier"),
)}

GROUP_NAMES: dict[str, str] = {
    "consulent": "Klantmanagers",
    "teamleider": "Teamleiders",
    "handhaving": "Handhaving",
    "partner_mb": "Maatschappelijke begeleiding (partner)",
}
"""The task groups of the diagrams (camunda:candidateGroups) by the name people see."""


def group_name(group: str) -> str:
    """Name a task group for people: `partner_mb` -> Maatschappelijke begeleiding (partner)."""
    return GROUP_NAMES.get(group, group)


CASE_SCOPES = ("gemeente", "team", "linked", "none")
"""How much of the gemeente's cases a role sees, widest first: `gemeente` every case of the gemeente
the person works in now (handhaving decides and documents for the whole gemeente; beheer; the FG),
`team` the cases of the teams the person belongs to (engine/access/teams.py), `linked` only
inburgeraars linked to the person's organisation with a current purpose, `none` no dossiers."""

PARTNER_HIDDEN = ("bsn", "health", "handhaving", "letters", "notes", "timeline")
"""Dossier parts a partner organisation never sees (letters only when a link shares them)."""


@dataclass(frozen=True)
class Role:
    """A role: its capabilities, task groups, message names, case scope and hidden dossier parts."""

    name: str
    label: str
    capabilities: frozenset[str]
    task_groups: frozenset[str] = frozenset()
    messages: tuple[str, ...] = ()
    case_scope: str = "none"
    hidden: tuple[str, ...] = ()
    system: bool = False
    person: bool = True

    def may_send(self, message_name: str) -> bool:
        """Tell whether this role may send a message with this name (patterns like `duo_*`)."""
        return any(fnmatchcase(message_name, pattern) for pattern in self.messages)


_WORK = {"tasks.work", "case.read", "case.search", "case.notes", "letters.read"}
INTERNAL_MESSAGES = ("schakelverzoek", "pip_bijstellen", "uren_gemeld")
"""Messages a klantmanager may send from the workplace; DUO, COA and Pw events are never among them."""

ROLES: dict[str, Role] = {r.name: r for r in (
    Role("consulent", "Klantmanager / consulent",
         frozenset(_WORK | {"case.start", "case.search_bsn", "letters.review", "messages.send", "case.partners",
                            "case.owner", "cohorts.read", "cohorts.attendance", "partners.case", "pw.maatregelen"}),
         task_groups=frozenset({"consulent"}), messages=INTERNAL_MESSAGES, case_scope="team"),
    Role("teamleider", "Teamleider",
         frozenset(_WORK | {"case.start", "case.search_bsn", "letters.review", "messages.send", "case.partners",
                            "tasks.team", "tasks.assign", "case.audit", "letters.export", "case.owner",
                            "cohorts.read", "cohorts.plan", "cohorts.attendance", "monitoring.read", "case.team",
                            "partners.case", "partners.report", "pw.maatregelen"}),
         task_groups=frozenset({"consulent", "teamleider"}), messages=INTERNAL_MESSAGES, case_scope="team"),
    Role("handhaving", "Handhaving / jurist",
         frozenset(_WORK | {"case.search_bsn", "letters.review", "pw.maatregelen"}),
         task_groups=frozenset({"handhaving"}), case_scope="gemeente"),
    Role("partner", "Partnerorganisatie (bijv. maatschappelijke begeleiding)",
         frozenset({"tasks.work", "case.read", "case.search", "letters.read", "partners.portal"}),
         task_groups=frozenset({"partner_mb"}), case_scope="linked", hidden=PARTNER_HIDDEN),
    Role("beheerder", "Functioneel beheerder",
         frozenset({"incidents.retry", "deploy", "case.read", "case.audit", "access.inzage", "access.sessions", "access.roles",
                    "letters.export", "monitoring.read", "beheer", "case.search", "case.search_bsn",
                    "cohorts.read", "cohorts.plan", "teams.manage"}),
         case_scope="gemeente"),
    Role("fg", "Functionaris gegevensbescherming (privacy officer)",
         frozenset({"access.inzage", "access.roles"}), case_scope="gemeente"),
    Role("beleid", "Beleid / monitoring (alleen lezen)", frozenset({"monitoring.read", "partners.report"})),
    Role("systeem_duo", "Systeemaccount DUO", frozenset({"messages.send"}),
         messages=("duo_*",), case_scope="none", system=True, person=False),
    Role("systeem_coa", "Systeemaccount COA", frozenset({"messages.send"}),
         messages=("coa_*",), case_scope="none", system=True, person=False),
    Role("systeem_pw", "Systeemaccount Participatiewet", frozenset({"messages.send"}),
         messages=("pw_*",), case_scope="none", system=True, person=False),
)}

CLI_ROLE = Role("cli", "Beheerder op de opdrachtregel (regie)",
                frozenset(ROLES["beheerder"].capabilities | {"messages.send", "case.start", "tasks.work", "case.team"}),
                messages=("*",), case_scope="gemeente", person=False)
"""The operator at the `regie` command: runs on the server with the database credentials, so it
acts as the beheerder and may send every message (DUO's CLI fallback)."""

for _role in ROLES.values():
    unknown = _role.capabilities - CAPABILITIES.keys()
    assert not unknown, f"role {_role.name} names unknown capabilities {sorted(unknown)}"


@dataclass(frozen=True)
class Grants:
    """The union of an actor's roles: what the access checks ask."""

    roles: tuple[Role, ...] = ()
    capabilities: frozenset[str] = frozenset()
    task_groups: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    case_scope: str = "none"
    system: bool = False
    extra: dict = field(default_factory=dict)


def grants(role_names: Iterable[str]) -> Grants:
    """Combine the named roles: capabilities and groups add up, the widest case scope wins, and a
    dossier part is hidden only when every role with a case scope hides it."""
    roles = tuple(ROLES[name] if name != "cli" else CLI_ROLE for name in role_names
                  if name in ROLES or name == "cli")
    scopes = [r.case_scope for r in roles]
    scope = next((s for s in CASE_SCOPES if s in scopes), "none")
    seeing = [r for r in roles if r.case_scope != "none"]
    hidden = frozenset.intersection(*(frozenset(r.hidden) for r in seeing)) if seeing else frozenset()
    return Grants(
        roles=roles,
        capabilities=frozenset().union(*(r.capabilities for r in roles)) if roles else frozenset(),
        task_groups=frozenset().union(*(r.task_groups for r in roles)) if roles else frozenset(),
        hidden=hidden,
        case_scope=scope,
        system=any(r.system for r in roles),
    )


def grants_of(user) -> Grants:
    """Return the grants of a user (an object with `roles`)."""
    return grants(getattr(user, "roles", None) or [])


def may(user, capability: str) -> bool:
    """Tell whether `user` has `capability` through one of its roles."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return capability in grants_of(user).capabilities


def require(user, capability: str) -> None:
    """Refuse (403) when `user` lacks `capability`; the message names what is missing."""
    if not may(user, capability):
        raise Forbidden(f"Uw rol geeft geen recht op: {CAPABILITIES[capability].label.lower()}.")


def may_send_message(user, name: str) -> bool:
    """Tell whether `user` may send a message with this name (system accounts: only their own)."""
    g = grants_of(user)
    return "messages.send" in g.capabilities and any(r.may_send(name) for r in g.roles)


def may_do_group(user, group: str) -> bool:
    """Tell whether `user` may work on a task of candidate group `group`: the person is in the
    group and one of its roles allows that group (a partner never gets a handhaving task)."""
    return group in set(getattr(user, "groups", None) or []) and group in grants_of(user).task_groups


def may_do_task(user, candidate_groups: Iterable[str], candidate_users: Iterable[str] = ()) -> bool:
    """Tell whether the task's candidates allow `user`: one of its groups, or by name when the
    task has no groups (an empty candidate list is work for the klantmanagers)."""
    groups = list(candidate_groups or [])
    if groups:
        return any(may_do_group(user, g) for g in groups)
    if getattr(user, "username", None) in set(candidate_users or []):
        return True
    return not candidate_users and may_do_group(user, "consulent")


def role_table() -> list[tuple[str, str, list[str]]]:
    """Return (role, label, capability ids) for the roles page and DEVELOPERS.md."""
    return [(r.name, r.label, sorted(r.capabilities)) for r in ROLES.values()]


def capability_matrix_markdown() -> str:
    """Return the role x capability table in Markdown (DEVELOPERS.md carries its output)."""
    names = list(ROLES)
    lines = ["| capability | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for cap in CAPABILITIES.values():
        marks = ["x" if cap.id in ROLES[n].capabilities else "" for n in names]
        lines.append(f"| `{cap.id}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)
