"""The legal rules Regie applies to a person, each in one place with its article.

- termijnen.py   every deadline: the PIP deadline (Besluit 5.3), the inburgeringstermijn
                 (Wet 11), the schakel window (Besluit 5.4), verlenging (Besluit 4.5),
                 the boete and bezwaar decision terms (Awb 5:51, 7:10)
- pip.py         the rules a PIP or gewijzigde PIP must pass before it is rendered
- boete.py       the facts the fine decision table gets: repeat count of onherroepelijke
                 fines (Besluit 7.1.3), total so far (7.1.5), one fine per violation (Awb 5:43),
                 a Pw 18/18b maatregel for the same gedraging (Wet 27)
- beschikking.py a beschikking's legal status and the day it became onherroepelijk
- handler.py     the `legal` service-task topic that lets a diagram ask these modules

Amounts (tiers, culpability, the EUR 2,400 cap) live in processes/boete_bedrag.dmn only.
No framework imports here except SQLAlchemy for the beschikking rows.
"""
