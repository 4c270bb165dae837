"""Participatiewet 18/18b maatregelen on a case (the facts Wet 27 is decided on).

- maatregelen.py  what a recorded maatregel is (datum, gedraging, besluit, optional overtreding_datum),
                  its checks and how it is added to the case variable `pw_maatregelen`
- service.py      record a maatregel on a running case: the message `pw_maatregel`, whoever sends it
                  (the Pw system account, a klantmanager or jurist on the case page, the API)
Whether a maatregel stops a fine is engine/legal/boete.py's (`pw_maatregel_zelfde_gedraging`).
"""
