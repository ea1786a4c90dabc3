"""Community features over the store: sign-in by magic link, votes, comments in markdown,
submissions to the daily list, authorship claims and moderation. Web views and the CLI
call these; each function opens its own transaction."""
