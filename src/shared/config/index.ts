// Jailhouse configuration format: binary layout constants (layout), the JSON schema and its
// normalised types (schema), exact binary serialisation/decoding of system and cell configs
// (binary), and file loading, error reporting and JSON printing (load).
export * from './layout.js';
export * from './schema.js';
export * from './binary.js';
export * from './load.js';
