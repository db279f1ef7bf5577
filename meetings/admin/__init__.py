"""The admin, by topic: teams, meetings and items with the import pages
(``meetings``, ``imports``), the import log (``logs``), who is who
(``people``) and who claims to be whom (``claims``).

Each module registers its own ModelAdmins; importing them here is what
registers them when Django autodiscovers ``meetings.admin``.
"""

from django.contrib import admin

from meetings.admin import claims, logs, meetings, people

__all__ = ["claims", "logs", "meetings", "people"]

# The admin index links to "Import minutes"; imports are logged, read-only.
admin.site.index_template = "admin/meetings/import_index.html"
# The admin says whose it is, not "Django administration".
admin.site.site_header = "Minutes tracker"
admin.site.site_title = "Minutes tracker admin"
admin.site.index_title = "Maintenance"
