/**
 * Spike detection: when a shard folds a minute (fold.ts), a product whose
 * units in the minute, over the shards' minute totals, reach SPIKE_MIN_UNITS
 * and exceed SPIKE_RATIO x the mean of the previous SPIKE_BASELINE_MINUTES
 * minutes is a spike. The mean is over the minutes with traffic recorded (a
 * minute total exists); a minute in which the product did not sell counts as
 * 0; a window with no traffic gives no verdict.
 * One event per (minute, product, region), guarded by a conditional marker item.
 * At most `maxAlertsPerMinute` events per wall-clock minute for the whole stack,
 * across containers: each event first claims a slot of a per-minute counter
 * item (pk = "SPIKES#<minute>", sk = "count"); a spike that finds the minute
 * full is suppressed (counted, not sent).
 */
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { minuteOf, minuteStartMs, previousMinutes, SPIKE_DETAIL_TYPE, SPIKE_EVENT_SOURCE } from "../shared";
import { makeRoom } from "./containerCache";
import { foldedUnits } from "./fold";
import { expiresAt, partitionKey, spikeSortKey, TTL_ATTRIBUTE } from "./itemDesign";

export interface SpikeSettings {
  readonly ratio: number;
  readonly minUnits: number;
  readonly baselineMinutes: number;
  /** Spike events per wall-clock minute for the whole stack; beyond it alerts are suppressed. */
  readonly maxAlertsPerMinute: number;
}

export interface SpikeCandidate {
  readonly region: string;
  readonly minute: string;
  readonly minuteStartMs: number;
  readonly productId: string;
  /** Units of the product in the minute, after this batch. */
  readonly units: number;
}

/** The detail of a RetailSalesSpike event. */
export interface SpikeDetail {
  readonly productId: string;
  readonly region: string;
  readonly minute: string;
  readonly units: number;
  /** Mean units per minute over the baseline window. */
  readonly baseline: number;
  /** units / baseline (null when the baseline is 0). */
  readonly ratio: number | null;
  readonly threshold: number;
  readonly baselineMinutes: number;
}

/** Pure: is it a spike? */
export function isSpike(units: number, baseline: number, settings: SpikeSettings): boolean {
  return units >= settings.minUnits && units > settings.ratio * baseline;
}

/**
 * Pure: the mean units per minute over the minutes of the window with traffic
 * recorded (`minutesWithData`); a minute in which the product did not sell counts as 0.
 */
export function baselineOf(previousUnits: readonly (number | undefined)[], minutesWithData: number): number {
  let sum = 0;
  for (const u of previousUnits) sum += u ?? 0;
  return minutesWithData > 0 ? sum / minutesWithData : 0;
}

export interface SpikeIo {
  readonly dynamo: Pick<DynamoDBClient, "send">;
  readonly events: Pick<EventBridgeClient, "send">;
  readonly table: string;
  readonly busName: string;
  readonly retentionDays: number;
  /** Receives the write units each marker and alert-slot update consumed. */
  readonly onConsumed?: (units: number) => void;
  /** Receives each spike not sent because the minute's alert cap was reached. */
  readonly onSuppressed?: (spike: SpikeDetail, alertMinute: string) => void;
  /** Wall clock of the alert cap (default Date.now). */
  readonly now?: () => number;
}

/** The per-minute alert counter item: pk = "SPIKES#<minute>", sk = "count", number `n`. */
export const ALERT_COUNTER_PREFIX = "SPIKES#";
export const ALERT_COUNTER_SORT_KEY = "count";

/**
 * Pure: the UpdateItem that claims one alert slot of `minute` (wall clock):
 * `ADD n 1` only while n < max, so concurrent containers never exceed `max`.
 */
export function alertSlotRequest(table: string, minute: string, max: number, retentionDays: number) {
  return {
    TableName: table,
    Key: { pk: { S: `${ALERT_COUNTER_PREFIX}${minute}` }, sk: { S: ALERT_COUNTER_SORT_KEY } },
    UpdateExpression: "ADD #n :one SET #t = :t",
    ConditionExpression: "attribute_not_exists(#n) OR #n < :max",
    ExpressionAttributeNames: { "#n": "n", "#t": TTL_ATTRIBUTE },
    ExpressionAttributeValues: { ":one": { N: "1" }, ":max": { N: String(max) }, ":t": { N: String(expiresAt(minuteStartMs(minute), retentionDays)) } },
    ReturnConsumedCapacity: "TOTAL" as const,
  };
}

/**
 * Past minutes' units per region-minute (the shards' minute totals), cached
 * per container (a past minute changes only by late records, which a
 * slightly stale baseline tolerates). A minute with no total is remembered
 * as null: no traffic was recorded then.
 */
export class BaselineCache {
  private readonly minutes = new Map<string, Map<string, number> | null>();

  /** `capacity`: region-minutes kept (a 30-minute baseline over 5 regions needs 150; each holds up to the catalogue's products). */
  public constructor(private readonly capacity = 256) {}

  /**
   * Units of `productId` in each of `minutes` (undefined: none), and how many of
   * those minutes have any traffic recorded in the region.
   */
  public async unitsFor(io: SpikeIo, region: string, productId: string, minutes: readonly string[]): Promise<{ units: (number | undefined)[]; minutesWithData: number }> {
    // The window's minutes in parallel: a new container reads all of them for its first verdict.
    const totals = await Promise.all(minutes.map((m) => this.totalsOf(io, partitionKey(region, m))));
    return { units: totals.map((t) => t?.get(productId)), minutesWithData: totals.filter((t) => t !== null).length };
  }

  private async totalsOf(io: SpikeIo, pk: string): Promise<Map<string, number> | null> {
    const known = this.minutes.get(pk);
    if (known !== undefined) return known;
    const units = (await foldedUnits({ client: io.dynamo, table: io.table }, pk)) ?? null;
    makeRoom(this.minutes, this.capacity);
    this.minutes.set(pk, units);
    return units;
  }
}

/**
 * Checks candidates and emits one event per new spike, within the minute's
 * alert cap (a spike beyond it is passed to `io.onSuppressed`). Returns the spikes emitted.
 */
export async function detectSpikes(io: SpikeIo, cache: BaselineCache, settings: SpikeSettings, candidates: readonly SpikeCandidate[]): Promise<SpikeDetail[]> {
  const emitted: SpikeDetail[] = [];
  // A minute found full stays full (its count only grows): no more slot requests for it in this call.
  let fullMinute: string | undefined;
  for (const c of candidates) {
    if (c.units < settings.minUnits) continue;
    const previous = await cache.unitsFor(io, c.region, c.productId, previousMinutes(c.minute, settings.baselineMinutes));
    // No traffic recorded in the whole window (a fresh table, a new region): no baseline to judge by, no alert.
    if (previous.minutesWithData === 0) continue;
    const baseline = baselineOf(previous.units, previous.minutesWithData);
    if (!isSpike(c.units, baseline, settings)) continue;
    const detail: SpikeDetail = {
      productId: c.productId,
      region: c.region,
      minute: c.minute,
      units: c.units,
      baseline: Math.round(baseline * 100) / 100,
      ratio: baseline > 0 ? Math.round((c.units / baseline) * 100) / 100 : null,
      threshold: settings.ratio,
      baselineMinutes: settings.baselineMinutes,
    };
    if (!(await claimMarker(io, c))) continue;
    // The marker stays claimed when the alert is suppressed: the spike is counted once, not at every later batch.
    const alertMinute = minuteOf((io.now ?? Date.now)());
    let slot: boolean;
    try {
      slot = alertMinute !== fullMinute && (await claimAlertSlot(io, alertMinute, settings.maxAlertsPerMinute));
    } catch (err) {
      await releaseMarker(io, c).catch(() => undefined);
      throw err;
    }
    if (!slot) {
      fullMinute = alertMinute;
      io.onSuppressed?.(detail, alertMinute);
      continue;
    }
    try {
      const out = await io.events.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: io.busName, Source: SPIKE_EVENT_SOURCE, DetailType: SPIKE_DETAIL_TYPE, Detail: JSON.stringify(detail) }],
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents rejected the spike event: ${out.Entries?.[0]?.ErrorMessage ?? "unknown"}`);
    } catch (err) {
      await releaseMarker(io, c).catch(() => undefined);
      throw err;
    }
    emitted.push(detail);
  }
  return emitted;
}

/**
 * The marker item, claimed once per (minute, region, product): false when it
 * is already claimed. UpdateItem (not PutItem/DeleteItem) so the function needs
 * no write permission beyond UpdateItem on the table.
 */
async function claimMarker(io: SpikeIo, c: SpikeCandidate): Promise<boolean> {
  try {
    const out = await io.dynamo.send(
      new UpdateItemCommand({
        TableName: io.table,
        Key: { pk: { S: partitionKey(c.region, c.minute) }, sk: { S: spikeSortKey(c.productId) } },
        UpdateExpression: "SET #u = :u, #t = :t REMOVE #r",
        ConditionExpression: "attribute_not_exists(pk) OR #r = :yes",
        ExpressionAttributeNames: { "#u": "units", "#t": TTL_ATTRIBUTE, "#r": "released" },
        ExpressionAttributeValues: { ":u": { N: String(c.units) }, ":t": { N: String(expiresAt(c.minuteStartMs, io.retentionDays)) }, ":yes": { BOOL: true } },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    io.onConsumed?.(out.ConsumedCapacity?.CapacityUnits ?? 0);
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw err;
  }
}

/** One slot of the wall-clock minute's alert budget: false when the minute's cap is reached. */
async function claimAlertSlot(io: SpikeIo, minute: string, max: number): Promise<boolean> {
  try {
    const out = await io.dynamo.send(new UpdateItemCommand(alertSlotRequest(io.table, minute, max, io.retentionDays)));
    io.onConsumed?.(out.ConsumedCapacity?.CapacityUnits ?? 0);
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw err;
  }
}

/** Best effort: if the event could not be sent, the marker is released so a later batch may try again. */
async function releaseMarker(io: SpikeIo, c: SpikeCandidate): Promise<void> {
  await io.dynamo.send(
    new UpdateItemCommand({
      TableName: io.table,
      Key: { pk: { S: partitionKey(c.region, c.minute) }, sk: { S: spikeSortKey(c.productId) } },
      UpdateExpression: "SET #r = :yes",
      ExpressionAttributeNames: { "#r": "released" },
      ExpressionAttributeValues: { ":yes": { BOOL: true } },
    }),
  );
}
