"""Antivirus on this machine: is there one, and how old are its signatures. No Qt."""
