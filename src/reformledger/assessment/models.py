"""Annual assessment (考评, DOMAIN.md mechanism 9, issue 11): models come with the engine."""
