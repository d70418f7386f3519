export { NoteThreads, replyCountOf } from "./comments.js";
export { resolveSize } from "./generate.js";
export { GUIDE, WORLD_NOW } from "./guide.js";
export { hash32, Rng } from "./random.js";
export { CATEGORIES, hashtagNames, stripTopicMarkers } from "./text.js";
export * from "./types.js";
export { createWorld, World } from "./world.js";
