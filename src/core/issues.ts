/**
 * The one zod-issue formatter: each issue as "path: message", the path written with dots. Typed by
 * shape, not by zod, so the kernel imports nothing; a `ZodError` fits.
 */

/** What is read of a validation error: zod's `ZodError` has this shape. */
export interface IssueSource {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

export interface IssueFormatOptions {
  /** What an issue about the whole value is called (default "(input)"). */
  root?: string;
  /** Where the value sits in a larger document: paths are written under it, and the whole value is it. */
  under?: string;
}

export interface NamedIssue {
  /** "a.b.0", or the root's name for an issue about the whole value. */
  path: string;
  message: string;
}

/** Each issue with its path named. */
export function namedIssues(error: IssueSource, options: IssueFormatOptions = {}): NamedIssue[] {
  return error.issues.map((issue) => {
    const inner = issue.path.map(String).join(".");
    const path = options.under
      ? [options.under, inner].filter(Boolean).join(".")
      : inner || (options.root ?? "(input)");
    return { path, message: issue.message };
  });
}

/** One line per issue, "path: message". */
export function formatIssues(error: IssueSource, options: IssueFormatOptions = {}): string[] {
  return namedIssues(error, options).map((issue) => `${issue.path}: ${issue.message}`);
}
