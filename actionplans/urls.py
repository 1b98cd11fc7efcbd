from django.urls import path

from actionplans import edit_views, views

app_name = "actionplans"

council = "councils/<slug:council_slug>/"
plan = council + "plans/<slug:plan_slug>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-actions/", views.my_actions, name="my-actions"),
    path(council + "approvals/", views.approvals, name="approvals"),
    path(council + "updates/<int:pk>/review/", views.update_review, name="update-review"),
    path(council + "reporting-periods/", views.reporting_periods, name="reporting-periods"),
    path(council + "missing-updates/", views.missing_updates_view, name="missing-updates"),
    path(council + "import/", views.plan_import, name="plan-import"),
    path(council + "plans/new/", edit_views.plan_create, name="plan-create"),
    path(council + "import/<str:token>/", views.import_preview, name="import-preview"),
    path(council, views.council_detail, name="council-detail"),
    path(council + "theme-<str:colour>.css", views.council_theme, name="council-theme"),
    path(council + "departments/", views.department_list, name="department-list"),
    path(
        council + "departments/<int:pk>/",
        views.DepartmentActionsView.as_view(),
        name="department-detail",
    ),
    path(council + "wards/", views.ward_list, name="ward-list"),
    path(council + "wards/<int:pk>/", views.WardActionsView.as_view(), name="ward-detail"),
    path(council + "portfolios/", views.portfolio_list, name="portfolio-list"),
    path(council + "committees/", views.committee_list, name="committee-list"),
    path(council + "alignment/", views.alignment, name="alignment"),
    path(plan, views.plan_detail, name="plan-detail"),
    path(plan + "actions/", views.PlanActionsView.as_view(), name="plan-actions"),
    path(plan + "equality-duty/", views.plan_equality, name="plan-equality"),
    path(plan + "upload/", views.plan_upload_changes, name="plan-upload"),
    path(plan + "export.<str:fmt>", views.plan_export, name="plan-export"),
    path(plan + "actions/<int:pk>/", views.action_detail, name="action-detail"),
    path(plan + "actions/<int:pk>/update/", views.action_update, name="action-update"),
    # The plan editor (plan managers).
    path(plan + "manage/", edit_views.plan_manage, name="plan-manage"),
    path(plan + "manage/details/", edit_views.plan_edit, name="plan-edit"),
    path(plan + "manage/history/", edit_views.plan_history, name="plan-history"),
    path(plan + "manage/<str:move>/", edit_views.plan_lifecycle, name="plan-lifecycle"),
    path(plan + "workstreams/new/", edit_views.workstream_create, name="workstream-create"),
    path(plan + "workstreams/<int:pk>/", edit_views.workstream_edit, name="workstream-edit"),
    path(plan + "workstreams/<int:pk>/move/", edit_views.workstream_move, name="workstream-move"),
    path(
        plan + "workstreams/<int:pk>/delete/",
        edit_views.workstream_delete,
        name="workstream-delete",
    ),
    path(plan + "actions/new/", edit_views.action_create, name="action-create"),
    path(plan + "actions/<int:pk>/edit/", edit_views.action_edit, name="action-edit"),
    path(plan + "actions/<int:pk>/delete/", edit_views.action_delete, name="action-delete"),
    path(plan + "actions/<int:pk>/history/", edit_views.action_history, name="action-history"),
]
