/** The JSON the dashboard's endpoints answer: the server's own types (type-only imports, erased at build). */

export type { KeyReading, RunHealthReading, SeriesBreakerReading } from "../../src/crawl/engine/run-health";
export type { ActiveRun } from "../../src/dashboard/control";
export type { NoteMedia } from "../../src/dashboard/media";
export type { CommentThread, NotePage } from "../../src/dashboard/records";
export type { BudgetReading, RunDetail, RunSummary, SeriesHealth } from "../../src/dashboard/runs";
export type { WatchesView } from "../../src/dashboard/watches";
export type { Comment, Note, User } from "../../src/model/types";
export type { NoteObservation, UserObservation } from "../../src/store/port";
