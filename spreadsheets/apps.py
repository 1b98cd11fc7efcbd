from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    verbose_name = "Spreadsheet uploads"
    default_auto_field = "django.db.models.BigAutoField"
