"""The Camunda 7 REST endpoints Camunda Modeler deploys to."""
