"""Customer email: which events send which email, rendering, the SMTP sender and the mailer."""
