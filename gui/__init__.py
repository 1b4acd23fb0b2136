"""OrderDesk: a desktop order-management desk. See DESIGN.md for the layering."""
