import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import Kafka from 'node-rdkafka';

export interface MachineDescription {
  cores: number;
  cpuModel: string;
  memoryMb: number;
  os: string;
  node: string;
  librdkafka: string;
  sqlite: string;
  /** 1-minute load average when the run started: other work on the box skews absolute figures. */
  loadAvgAtStart: number;
  walDir: string;
}

export function describeMachine(walDir: string): MachineDescription {
  const db = new BetterSqlite3(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
  db.close();
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(totalmem() / 2 ** 20),
    os: `${type()} ${release()}${containerHint()}`,
    node: process.version,
    librdkafka: Kafka.librdkafkaVersion,
    sqlite,
    loadAvgAtStart: Math.round(loadavg()[0]! * 100) / 100,
    walDir,
  };
}

function containerHint(): string {
  try {
    return readFileSync('/proc/1/cgroup', 'utf8').includes('docker') ? ' (container)' : '';
  } catch {
    return '';
  }
}
