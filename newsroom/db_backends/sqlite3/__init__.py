"""Django's SQLite backend, with table rebuilds that keep the schema's triggers (`schema`)."""
