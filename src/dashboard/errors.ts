/** The dashboard's own refusals, mapped to HTTP statuses by its routes (routes.ts `problemOf`). */
import { InvalidInputError } from "../core/errors.js";

/** 409: the action does not fit the run's state (a second run, pausing a run this server does not crawl). */
export class ConflictError extends InvalidInputError {}

/** 404: no such run, note or user in this database. */
export class MissingError extends InvalidInputError {}
