import * as z from 'zod';
import { AGENT_OPERATIONS, AGENT_REQUEST_SCHEMAS, AGENT_RESPONSE_SCHEMAS } from '#events/api/agents';
import {
  campaignPageSchema,
  campaignResponseSchema,
  createCampaignRequestSchema,
  errorResponseSchema,
  ifMatchHeaderSchema,
  internalErrorResponseSchema,
  listCampaignsQuerySchema,
  methodNotAllowedResponseSchema,
  transitionListSchema,
  transitionRecordSchema,
  transitionRefusedResponseSchema,
  transitionRequestSchema,
  transitionResponseSchema,
  updateCampaignRequestSchema,
  validationErrorResponseSchema,
} from '#events/api/campaigns';
import { DIALING_OPERATIONS, DIALING_RESPONSE_SCHEMAS } from '#events/api/diagnostics';
import { ORDER_OPERATIONS, ORDER_REQUEST_SCHEMAS, ORDER_RESPONSE_SCHEMAS } from '#events/api/orders';
import { QA_OPERATIONS, QA_REQUEST_SCHEMAS, QA_RESPONSE_SCHEMAS } from '#events/api/qa';
import { SUBJECT_OPERATIONS } from '#events/api/subjects';
import { campaignIdSchema } from '#shared/domain/campaign';

/**
 * Builds the OpenAPI 3.1 document of the campaigns API from the same zod schemas the handler validates with
 * (`z.toJSONSchema`, input side for requests and output side for responses). `npm run openapi` writes it to
 * docs/openapi.json; a unit test fails when the committed file differs from a fresh build or misses a route.
 * Not imported by the Lambda, so none of this reaches its bundle.
 */

type JsonSchema = Record<string, unknown>;
type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** Request bodies: what a caller may send, so defaulted fields are optional (`io: 'input'`). */
const REQUEST_SCHEMAS = {
  CreateCampaignRequest: createCampaignRequestSchema,
  UpdateCampaignRequest: updateCampaignRequestSchema,
  TransitionRequest: transitionRequestSchema,
  ...AGENT_REQUEST_SCHEMAS,
  ...QA_REQUEST_SCHEMAS,
  ...ORDER_REQUEST_SCHEMAS,
} satisfies Record<string, z.ZodType>;

/** Response bodies: what the API sends, defaults applied (`io: 'output'`). */
const RESPONSE_SCHEMAS = {
  Campaign: campaignResponseSchema,
  CampaignPage: campaignPageSchema,
  TransitionRecord: transitionRecordSchema,
  TransitionResult: transitionResponseSchema,
  TransitionList: transitionListSchema,
  Error: errorResponseSchema,
  ValidationError: validationErrorResponseSchema,
  TransitionRefused: transitionRefusedResponseSchema,
  MethodNotAllowed: methodNotAllowedResponseSchema,
  InternalError: internalErrorResponseSchema,
  ...DIALING_RESPONSE_SCHEMAS,
  ...AGENT_RESPONSE_SCHEMAS,
  ...QA_RESPONSE_SCHEMAS,
  ...ORDER_RESPONSE_SCHEMAS,
} satisfies Record<string, z.ZodType>;

function componentSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    // Refinements (e.g. "windows must not overlap") have no JSON Schema form; the server still enforces them.
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(out).map(([id, schema]) => {
      const { $schema: _ignored, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

function inline(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function json(schema: JsonSchema) {
  return { 'application/json': { schema } };
}

const etagHeader = {
  ETag: { description: 'The campaign revision, quoted; send it back in `If-Match`.', schema: { type: 'string' } },
};

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Campaign id. A malformed id is answered 404 like an unknown one.',
  schema: inline(campaignIdSchema),
};

interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: string;
  responses: Record<string, unknown>;
}

/** Every operation, keyed `METHOD /path` exactly as the router declares it. */
export const OPERATIONS: Record<string, OperationDoc> = {
  'POST /campaigns': {
    operationId: 'createCampaign',
    summary: 'Create a campaign (state draft, revision 1)',
    requestBody: 'CreateCampaignRequest',
    responses: {
      201: {
        description: 'Created',
        headers: {
          ...etagHeader,
          Location: { description: 'Path of the new campaign', schema: { type: 'string' } },
        },
        content: json(ref('Campaign')),
      },
      400: responseRef('BadRequest'),
    },
  },
  'GET /campaigns': {
    operationId: 'listCampaigns',
    summary: 'List campaigns, ordered by lifecycle state then id, one page at a time',
    parameters: Object.entries(listCampaignsQuerySchema.shape).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema: inline(schema.unwrap()),
    })),
    responses: { 200: { description: 'One page', content: json(ref('CampaignPage')) }, 400: responseRef('BadRequest') },
  },
  'GET /campaigns/{id}': {
    operationId: 'getCampaign',
    summary: 'Read a campaign',
    parameters: [idParameter],
    responses: {
      200: { description: 'The campaign', headers: etagHeader, content: json(ref('Campaign')) },
      404: responseRef('NotFound'),
    },
  },
  'PATCH /campaigns/{id}': {
    operationId: 'updateCampaign',
    summary: 'Change some fields of a campaign',
    description:
      'Each top-level field given replaces the stored one; the merged campaign must be valid. Calling rules cannot ' +
      'change while the campaign dials (pilot, active), nothing can change once it is completed. Send the `ETag` ' +
      'you read as `If-Match` to be told (409) when someone changed the campaign in between.',
    parameters: [
      idParameter,
      {
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The revision the change is based on, as the `ETag` gave it, e.g. `"3"`.',
        schema: inline(ifMatchHeaderSchema),
      },
    ],
    requestBody: 'UpdateCampaignRequest',
    responses: {
      200: { description: 'The updated campaign', headers: etagHeader, content: json(ref('Campaign')) },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: responseRef('Conflict'),
    },
  },
  'POST /campaigns/{id}/transitions': {
    operationId: 'transitionCampaign',
    summary: 'Apply a lifecycle action (draft → pilot → review → active ⇄ paused → completed → evaluated)',
    description:
      'Every action that leaves the campaign dialing (startPilot, repilot, launch, resume) first brings the Amazon ' +
      'Connect campaign to Running, then clears the hold of an error Connect refused the dials with and any ' +
      'transient-failure backoff, in the same write as the transition: the next dispatcher tick dials again (and ' +
      'holds the campaign again if Connect still refuses). `resume` is also accepted while the campaign is active ' +
      'or in pilot: it keeps the state (recorded as active → active or pilot → pilot) and is how a planner releases ' +
      'a `heldByConnectError` hold once the cause is fixed; repeating it is harmless.',
    parameters: [idParameter],
    requestBody: 'TransitionRequest',
    responses: {
      200: {
        description: 'The campaign in its new state and the recorded transition',
        headers: etagHeader,
        content: json(ref('TransitionResult')),
      },
      400: responseRef('BadRequest'),
      404: responseRef('NotFound'),
      409: {
        description:
          "The campaign's state does not allow the action (with the actions it allows), or it changed concurrently",
        content: json({ anyOf: [ref('TransitionRefused'), ref('Error')] }),
      },
    },
  },
  'GET /campaigns/{id}/transitions': {
    operationId: 'listTransitions',
    summary: "A campaign's transitions, oldest first",
    parameters: [idParameter],
    responses: {
      200: { description: 'The transitions', content: json(ref('TransitionList')) },
      404: responseRef('NotFound'),
    },
  },
  ...AGENT_OPERATIONS,
  ...QA_OPERATIONS,
  ...DIALING_OPERATIONS,
  ...ORDER_OPERATIONS,
  ...SUBJECT_OPERATIONS,
};

/** Answers every operation may give. */
const COMMON_RESPONSES = {
  401: responseRef('Unauthorized'),
  403: responseRef('Forbidden'),
  405: responseRef('MethodNotAllowed'),
  500: responseRef('InternalError'),
};

/** The whole OpenAPI 3.1 document; deterministic, so the committed copy can be compared byte for byte. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const [method = '', path = ''] = key.split(' ');
    const { requestBody, responses, ...rest } = op;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase() as HttpMethod] = {
      ...rest,
      ...(requestBody ? { requestBody: { required: true, content: json(ref(requestBody)) } } : {}),
      responses: { ...responses, ...COMMON_RESPONSES },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'outcall campaigns API',
      version: '0.1.0',
      description:
        'Campaigns of outbound telemarketing on Amazon Connect: create, read, change and move them through their ' +
        'lifecycle. Every request needs an identity: IAM SigV4 or a Cognito user pool token. Error bodies always ' +
        'carry `message`; 5xx answers carry only a generic message and `requestId`.',
    },
    servers: [{ url: 'http://127.0.0.1:{port}', description: '`npm start`', variables: { port: { default: '3000' } } }],
    security: [{ sigv4: [] }, { cognito: [] }],
    paths,
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      responses: {
        BadRequest: {
          description: 'Invalid request: a field by field list of issues, or a body that is not JSON',
          content: json({ anyOf: [ref('ValidationError'), ref('Error')] }),
        },
        Unauthorized: { description: 'No identity', content: json(ref('Error')) },
        Forbidden: { description: 'The caller may not do this', content: json(ref('Error')) },
        NotFound: { description: 'No such campaign (or route)', content: json(ref('Error')) },
        MethodNotAllowed: {
          description: 'The path exists with other methods',
          headers: { Allow: { schema: { type: 'string' } } },
          content: json(ref('MethodNotAllowed')),
        },
        Conflict: {
          description: 'The campaign changed since it was read, or cannot change now',
          content: json(ref('Error')),
        },
        InternalError: { description: 'Unexpected failure; quote `requestId`', content: json(ref('InternalError')) },
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (API Gateway IAM authorization, service `execute-api`).',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "Amazon Cognito user pool token; `cognito:groups` become the caller's roles.",
        },
      },
    },
  };
}

/** The document as committed in docs/openapi.json. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
