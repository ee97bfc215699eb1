"""The supervision order (改革督查令) and the bulletin (督查通报) as files: Word (.docx) and Excel (.xlsx),
each an exporter on :mod:`reformledger.core.exporters`.

Official documents, in Chinese whatever the language of the page that asked for them
-------------------------------------------------------------------------------------
A supervision order and a bulletin are Party/government documents (公文): their wording and layout
follow the national format (GB/T 9704 党政机关公文格式), and they are issued in Chinese. So the
fixed words written *into* these files (主送, 序号, 完成时限, 红色预警, 总体情况 …) are Chinese
text held here, deliberately **not** gettext, like the ledger's headers (:mod:`reforms.ledger`):
a person using the English pages prints the same order as everyone else. The pages and messages
*about* the files go through gettext as usual.

* :mod:`.order`: :class:`OrderDocument`, the order as Word;
* :mod:`.bulletin`: :class:`BulletinDocument` (Word) and :class:`BulletinWorkbook` (Excel), from the
  figures of :mod:`reformledger.supervision.bulletin`;
* :mod:`.board`: :class:`BoardWorkbook`, the warning board with its filters (Excel);
* :mod:`.wording`: the fixed words both use.
"""

from .board import BoardWorkbook
from .bulletin import BulletinDocument, BulletinWorkbook, describe_zh
from .order import OrderDocument

__all__ = ["BoardWorkbook", "BulletinDocument", "BulletinWorkbook", "OrderDocument", "describe_zh"]
