export { NoteThreads, replyCountOf } from "./comments.js";
export { hash32, Rng } from "./random.js";
export { CATEGORIES, hashtagNames, stripTopicMarkers } from "./text.js";
export * from "./types.js";
export { createWorld, GUIDE, resolveSize, WORLD_NOW, World } from "./world.js";
