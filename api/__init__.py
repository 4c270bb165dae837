"""Regie's HTTP side: the JSON API under /api, the consultant web app, Camunda Modeler REST."""
