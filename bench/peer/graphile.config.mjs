// PostGraphile 5 (amber preset) over the benchmark database, for bench/run.sh.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { port: Number(process.env.PEER_PORT || 8102), host: "127.0.0.1" },
  grafast: { explain: false },
};
