"""What MailSentry keeps: settings, state, secrets and local copies. No Qt."""
