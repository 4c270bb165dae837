"""What the `legal` and `bezwaar` service tasks and a sent beschikking add to a case (for deploy checks)."""

from __future__ import annotations

# property `regel` of a `legal` service task -> the variables it sets (engine/legal/handler.py)
LEGAL_RULE_VARIABLES: dict[str, frozenset[str]] = {
    "pip_deadline": frozenset({"pip_deadline"}),
    "pip_deadline_derde": frozenset({"pip_deadline"}),
    "boete_feiten": frozenset({"boetes", "herhaling", "boetes_in_termijn", "al_beboet", "beslistermijn_boete"}),
    "wet_27": frozenset({"pw_sanctie_zelfde_gedraging", "pw_maatregel_besluit", "handhaving_reden", "pw_maatregelen",
                         "nieuwe_maatregel_datum", "nieuwe_maatregel_gedraging", "nieuwe_maatregel_besluit",
                         "nieuwe_maatregel_overtreding_datum"}),
    "ontzorgen": frozenset({"ontzorgen_van_toepassing", "ontzorgen_eind"}),
    "schakelen": frozenset({"schakelbesluit"}),
    "termijn_bewaking": frozenset({"schakelen_laatste_dag", "verlenging_aanvraag_vanaf", "termijn_eind"}),
    "bezwaar_registreren": frozenset({"beschikking_status", "bezwaar_beslistermijn", "bezwaar_te_laat", "hersteltermijn"}),
    "bezwaar_verdagen": frozenset({"bezwaar_beslistermijn", "bezwaar_verdaagd"}),
    "bezwaar_beslissen": frozenset({"beschikking_status", "beroep_uiterlijk"}),
}
# the `bezwaar` topic (engine/bezwaar/handler.py)
BEZWAAR_VARIABLES = frozenset({"pip_bijstellen_gevraagd"})
# a sent beschikking letter adds these (engine/letters/archive.py record_if_beschikking)
BESCHIKKING_VARIABLES = ("laatste_beschikking_id", "{template}_beschikking_id", "{template}_bezwaar_uiterlijk")
# the start data of a `bezwaar` case (engine/bezwaar/service.py register_bezwaar)
BEZWAAR_START_VARIABLES = frozenset({
    "zaak_case_id", "beschikking_id", "beschikking_soort", "beschikking_datum", "beschikking_kenmerk",
    "bezwaar_ontvangen_op", "bezwaar_gronden", "pro_forma", "adviescommissie", "rechtbank",
})
