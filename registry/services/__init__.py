"""Domain services: they take a session and plain data, raise `registry.errors`, know no HTTP."""
