"""DUO M2M: the Notificatie API DUO calls, and the beheer page of the exchanges."""
