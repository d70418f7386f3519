/** The small crawl the process tests run (crash and resume, two processes on one file): a few seconds of calls. */
export function smallCrawlPlan(name: string): string {
  return `
name: ${name}
seeds:
  keywords:
    - keyword: 露营
      limit: 4
expand:
  details: true
  comments: { maxPerNote: 12, replies: true, maxRepliesPerThread: 3 }
  authors: true
  authorNotes: { limit: 6 }
`;
}
