"""MailSentry: finds dangerous mail on the server before the mail client downloads it."""

__version__ = "0.1.0"
