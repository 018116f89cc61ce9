"""Real servers for tests: private Dovecot, test CA, keyring, fault proxy."""
