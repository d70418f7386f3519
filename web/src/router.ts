/** Hash routes (#/notes/ID?…): the server serves one page; links stay plain links, back and forward work. */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  path: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const text = hash.startsWith("#/") ? hash.slice(2) : "runs";
  const [path = "", query = ""] = text.split("?");
  return { path: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    // In-page anchors (the skip link) are not routes.
    const onChange = () => {
      if (location.hash === "" || location.hash.startsWith("#/")) setRoute(parse(location.hash));
    };
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function href(path: string, query?: URLSearchParams | Record<string, string>): string {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(query ?? {});
  for (const [key, value] of [...q]) if (value === "") q.delete(key);
  const text = q.toString();
  return `#/${path}${text ? `?${text}` : ""}`;
}
