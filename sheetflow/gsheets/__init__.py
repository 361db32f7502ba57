"""The Google Sheets backend: ``backend`` (read, apply), ``setup`` (prepare a sheet), ``client`` (API calls)."""
