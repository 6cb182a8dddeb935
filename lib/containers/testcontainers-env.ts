// No registry is reachable: testcontainers must not pull its reaper (ryuk) or probe the host
// with a helper image. The lab removes its containers itself (labels + state file).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
process.env.DEBUG ??= '';
export {};
