"""The tracker's pages, by topic: home, items, meetings, people, teams, and matching."""
