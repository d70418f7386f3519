/** The web dashboard's server side (issue #16): JSON for the pages, live progress, run control, downloads. */
export { createDashboard, type Dashboard, type DashboardOptions } from "./app.js";
export { defaultAssetsDir } from "./assets.js";
export { DASHBOARD_PLAN_NAME, RunControl, StartRunSchema } from "./control.js";
export { NOTE_SORTS, type NotePage, type NoteQuery, parseNoteQuery, queryNotes } from "./records.js";
export { type RunSummary, type SeriesHealth, seriesHealth } from "./runs.js";
