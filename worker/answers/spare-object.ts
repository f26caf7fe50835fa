/**
 * Making a Durable Object is most of what handing an answer to one costs: in
 * workerd a new object's first request took 6–15 ms, against about 1 ms for
 * one that is running (see README "What the hop costs"). So each isolate keeps
 * one object made ahead: an answer takes it, and the next one is made while
 * this answer streams. Only the id is kept across requests (a stub belongs to
 * the request that made it). A spare never asked anything stores nothing and
 * sets no alarm, so one left behind by an isolate that goes away costs nothing.
 */
import type { AnswerRelay } from './answer-relay.ts';

type Answers = DurableObjectNamespace<AnswerRelay>;

const spares = new WeakMap<Answers, DurableObjectId>();

/** An id for a new answer's object: the one this isolate made ahead, if it has one. */
export function takeAnswerObject(namespace: Answers): DurableObjectId {
  const id = spares.get(namespace) ?? namespace.newUniqueId();
  spares.delete(namespace);
  return id;
}

/**
 * Makes the next answer's object. Called once this answer's object has
 * replied: workerd runs both on one thread, and making it earlier held up
 * this answer's own upstream call.
 */
export async function makeSpare(namespace: Answers): Promise<void> {
  const id = namespace.newUniqueId();
  try {
    await namespace.get(id).warm();
    spares.set(namespace, id);
  } catch {
    // Only a missed head start: the next answer makes its object itself.
  }
}
