"""The web app: pages, API and feeds over the store."""
