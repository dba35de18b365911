// Jailhouse configuration format: binary layout constants (layout); the JSON form's number
// fields (fields), flag and enumeration names (names), CPU sets (cpu-set) and its schema with
// the normalised types (schema); exact binary serialisation (serialize) and decoding (decode)
// of system and cell configs; file loading (load) with its error reporting (errors), and
// printing configs as JSON (to-json).
export * from './layout.js';
export * from './fields.js';
export * from './names.js';
export * from './cpu-set.js';
export * from './schema.js';
export * from './serialize.js';
export * from './decode.js';
export * from './errors.js';
export * from './load.js';
export * from './to-json.js';
