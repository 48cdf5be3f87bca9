import { Type } from '@sinclair/typebox';
import { WireRevisionSchema } from '../plugins/protocol-schemas';
import { component } from '../schema-components';

/**
 * A revision as the API shows it: the members of the protocol's wire form and no others. The wire
 * schema itself stays open, since a plugin's answer is read leniently (members the protocol does
 * not know are dropped); what Baton answers is closed.
 */
export const Revision = component('Revision', Type.Object(WireRevisionSchema.properties, { additionalProperties: false }));
