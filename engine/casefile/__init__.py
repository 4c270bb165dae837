"""The case file and the inbox: overview, dossier, inbox queries, notes and drafts."""
