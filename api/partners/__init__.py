"""The partner portal pages (/partner), the case section and the provider report."""
