"""Deploying BPMN, DMN and forms: validation with file/element/reason, versions, deploy warnings, migrating cases to a new version."""
