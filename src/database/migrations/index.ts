import { CreateUsers1795299639760 } from './1795299639760-CreateUsers';
import { CreateAuditEvents1795303436231 } from './1795303436231-CreateAuditEvents';
import { CreateApiKeys1795307651667 } from './1795307651667-CreateApiKeys';
import { AddAuditActorType1796160051856 } from './1796160051856-AddAuditActorType';

/** Every migration, in order. A new migration is generated into this folder and added here. */
export const MIGRATIONS = [
  CreateUsers1795299639760,
  CreateAuditEvents1795303436231,
  CreateApiKeys1795307651667,
  AddAuditActorType1796160051856,
];
