// mail.message and ir.attachment as the bench reads them back from a picking's chatter.
import { z } from 'zod';

/** A chatter message (claim notes, dispatch messages): its body is false when empty. */
export const NoteRow = z.object({ id: z.number().int(), res_id: z.number().int(), body: z.union([z.string(), z.literal(false)]) });

/** A label attached to a picking, found by name. */
export const AttachmentRow = z.object({ id: z.number().int(), name: z.string(), res_id: z.number().int() });

/** A label file a carrier connector attached to a picking (`LabelShipping-…`), with its data. */
export const LabelFileRow = z.object({
  id: z.number().int(),
  name: z.string(),
  datas: z.union([z.string(), z.literal(false)]),
  mimetype: z.union([z.string(), z.literal(false)]).transform((v) => (v === false ? null : v)),
});
