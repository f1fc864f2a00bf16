import type { Delivery } from './delivery';
import type { Lanes } from './lanes';

/** The deliveries of one lane a worker holds while they wait for their turn, in lane order. */
export interface ParkedLane {
  readonly deliveries: Delivery[];
  readonly unwatch: () => void;
  /** A position lookup for the lane is running. */
  checking: boolean;
  /** Something changed while it ran (an announcement, a delivery left): look again. */
  dirty: boolean;
}

/**
 * Where a worker keeps deliveries that are not the head of their lane yet. Parking a lane's first
 * delivery starts watching the lane's announcements (before its position is looked up, so none is
 * missed); unparking its last one stops.
 */
export class Parking {
  readonly #lanes: Lanes;
  readonly #onAnnouncement: (lane: string) => void;
  readonly #parked = new Map<string, ParkedLane>();
  #count = 0;

  constructor(lanes: Lanes, onAnnouncement: (lane: string) => void) {
    this.#lanes = lanes;
    this.#onAnnouncement = onAnnouncement;
  }

  /** Deliveries parked now, over all lanes. */
  get count(): number {
    return this.#count;
  }

  /** The lanes with parked deliveries. */
  lanes(): string[] {
    return [...this.#parked.keys()];
  }

  lane(lane: string): ParkedLane | undefined {
    return this.#parked.get(lane);
  }

  park(delivery: Delivery): void {
    const { lane } = delivery;
    let parked = this.#parked.get(lane);
    if (parked === undefined) {
      parked = {
        deliveries: [],
        unwatch: this.#lanes.watch(lane, () => this.#onAnnouncement(lane)),
        checking: false,
        dirty: false,
      };
      this.#parked.set(lane, parked);
    }
    const index = parked.deliveries.findIndex((other) => other.seq > delivery.seq);
    parked.deliveries.splice(index === -1 ? parked.deliveries.length : index, 0, delivery);
    this.#count += 1;
  }

  has(delivery: Delivery): boolean {
    return this.#parked.get(delivery.lane)?.deliveries.includes(delivery) === true;
  }

  unpark(delivery: Delivery): void {
    const parked = this.#parked.get(delivery.lane);
    const index = parked?.deliveries.indexOf(delivery) ?? -1;
    if (parked === undefined || index === -1) return;
    parked.deliveries.splice(index, 1);
    this.#count -= 1;
    if (parked.deliveries.length === 0) {
      this.#parked.delete(delivery.lane);
      parked.unwatch();
    }
  }

  /** Unpark everything and return what was parked. */
  clear(): Delivery[] {
    const all = [...this.#parked.values()].flatMap((parked) => [...parked.deliveries]);
    for (const delivery of all) this.unpark(delivery);
    return all;
  }
}
